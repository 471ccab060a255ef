/** Domain events, published after the store has committed (issue 3 and 7 subscribe to these). */
export type DomainEvent =
  | { readonly type: 'certificate.issued'; readonly serial: string; readonly caName: string; readonly profile: string; readonly deviceId: string | null }
  | { readonly type: 'ca.changed'; readonly caName: string };

export interface EventSink { publish(event: DomainEvent): void }
