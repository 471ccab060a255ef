/**
 * The TLS channel binding EST links proof-of-possession to (RFC 7030 3.5): the CSR's
 * challengePassword carries base64 of this value, so a CSR cannot be relayed through
 * another TLS connection.
 *
 * TLS 1.2: tls-unique (RFC 5929 3.1), "the first TLS Finished message sent in the most
 * recent handshake". On a full handshake the client sends its Finished first, which the
 * server reads as getPeerFinished(); on an abbreviated (resumed) handshake the server's
 * Finished comes first, which is getFinished(). libest makes the same swap.
 *
 * TLS 1.3: tls-unique is undefined (RFC 8446 C.5); we use tls-exporter (RFC 9266 2):
 * 32 bytes of the exporter with label "EXPORTER-Channel-Binding" and an empty context.
 * Without context and with an empty one are the same in TLS 1.3 (RFC 8446 7.5).
 */
import type { TLSSocket } from 'node:tls';

export const TLS_EXPORTER_LABEL = 'EXPORTER-Channel-Binding';
export const TLS_EXPORTER_LENGTH = 32;

const cache = new WeakMap<TLSSocket, Buffer | null>();

function compute(socket: TLSSocket): Buffer | null {
  switch (socket.getProtocol()) {
    case 'TLSv1.3': return socket.exportKeyingMaterial(TLS_EXPORTER_LENGTH, TLS_EXPORTER_LABEL, Buffer.alloc(0));
    case 'TLSv1.2': return (socket.isSessionReused() ? socket.getFinished() : socket.getPeerFinished()) ?? null;
    default: return null;
  }
}

/** This connection's binding; computed once per connection (keep-alive requests share it). */
export function channelBindingOf(socket: TLSSocket): Buffer | null {
  if (!cache.has(socket)) cache.set(socket, compute(socket));
  return cache.get(socket) ?? null;
}
