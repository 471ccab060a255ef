/**
 * The MQTT broker over TLS: aedes 2.0.0-beta.1 (MQTT 3.1.1 and 5; decision 007) with our
 * checks in its hooks. The protocol is aedes's; what we add:
 *   authenticate        the connection's admission (started at the handshake), the client
 *                       identifier rule, registration as live; a refusal is a CONNACK
 *                       with the code of MQTT_CONNACK (MQTT 5 reason codes follow from it)
 *   authorizePublish    topic granted, send rules, way-station sequences; refused: MQTT 5
 *                       answers PUBACK 0x87 with the code as reason string, MQTT 3.1.1 has
 *                       no way to say no and closes the connection (3.1.1 section 4.8)
 *   authorizeSubscribe  filter covered by a granted filter; refused: SUBACK 0x80 / 0x87
 * Enforcement closes a live connection with DISCONNECT 0x98 (administrative action) on
 * MQTT 5, by closing the socket on 3.1.1.
 */
import { createServer, type Server, type TLSSocket, type TlsOptions } from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { maySubscribe, mqttTopicMatches } from '@fleetpki/core';
import { hangUp, type Gatekeeper } from './gatekeeper.js';
import type { LiveConnection } from './live-connections.js';
import { jsonObjectOf, type MessageGate } from './messages.js';
import type { GatewayMetrics } from './metrics.js';
import type { PresenceRecorder } from './presence.js';
import { refusal, type Refusal, type RefusalCode } from './refusals.js';

/** MQTT 3.1.1 CONNACK return codes (3.2.2.3); aedes derives the MQTT 5 reason code (0x85, 0x87, 0x88). */
export const MQTT_CONNACK: Readonly<Record<RefusalCode, 2 | 3 | 5>> = Object.freeze({
  GATEWAY_CERT_MISSING: 5, GATEWAY_CERT_INVALID: 5, GATEWAY_CERT_REVOKED: 5, GATEWAY_CERT_UNKNOWN: 5,
  GATEWAY_REVOCATION_UNKNOWN: 5, GATEWAY_DEVICE_UNKNOWN: 5, GATEWAY_CLIENT_ID_MISMATCH: 2, GATEWAY_RULE_FAILED: 5,
  GATEWAY_NOT_AUTHORIZED: 5, GATEWAY_CLONE: 5, GATEWAY_BODY_TOO_LARGE: 5, GATEWAY_BODY_INVALID: 5,
  GATEWAY_METHOD_NOT_ALLOWED: 5, GATEWAY_UNAVAILABLE: 3, SEQUENCE_OUT_OF_ORDER: 5, SEQUENCE_UNKNOWN_STATION: 5,
});
/** MQTT 5 DISCONNECT reason code 0x98: Administrative action (5.0 section 3.14.2.1). */
export const DISCONNECT_ADMINISTRATIVE_ACTION = 0x98;
/** 0x8B: Server shutting down (the gateway closing). */
export const DISCONNECT_SERVER_SHUTTING_DOWN = 0x8b;

export interface MqttBrokerDeps {
  readonly gatekeeper: Gatekeeper;
  readonly gate: MessageGate;
  readonly clientIdMustBeDeviceId: boolean;
  readonly maxPacketBytes: number;
  readonly metrics: GatewayMetrics;
  readonly presence: PresenceRecorder;
  readonly now: () => Date;
  readonly onError: (err: unknown) => void;
}

/** An Error whose message is the stable code: aedes puts it in the MQTT 5 reason string. */
function codeError(r: Refusal): AuthenticateError {
  return Object.assign(new Error(r.code), { returnCode: MQTT_CONNACK[r.code] }) as AuthenticateError;
}

export class MqttBroker {
  readonly server: Server;
  readonly broker: Aedes;
  readonly #live = new WeakMap<Client, LiveConnection>();
  /** The labelled child, bound once (prom-client hashes the labels on every inc otherwise). */
  readonly #messages: { inc(): void };

  private constructor(tls: TlsOptions, broker: Aedes, private readonly d: MqttBrokerDeps) {
    this.broker = broker;
    this.#messages = d.metrics.messages.labels({ protocol: 'mqtt' });
    broker.authenticate = (client, _u, _p, done) => void this.#authenticate(client).then((r) => done(r === null ? null : codeError(r), r === null));
    broker.authorizePublish = (client, packet, done) => this.#authorizePublish(client, packet, done);
    broker.authorizeSubscribe = (client, sub, done) => done(null, this.#authorizeSubscribe(client, sub));
    // Grants shrink when attributes change, and a persistent session restores old
    // subscriptions: every delivery is checked against the grants of now.
    broker.authorizeForward = (client, packet) => {
      const live = this.#live.get(client);
      return live && !live.closedBy && live.grants.subscribe.some((f) => mqttTopicMatches(f, packet.topic)) ? packet : null;
    };
    this.server = createServer(tls, (socket) => {
      // Admission starts now, while the client writes its CONNECT.
      void d.gatekeeper.admit(socket);
      broker.handle(socket);
    });
  }

  static async create(tls: TlsOptions, d: MqttBrokerDeps): Promise<MqttBroker> {
    const broker = await Aedes.createBroker({ maximumPacketSize: d.maxPacketBytes, connectTimeout: 30_000 });
    return new MqttBroker(tls, broker, d);
  }

  /** Publishes on the bus (HTTPS ingestion, alerts): QoS 0, not retained. */
  publish(topic: string, payload: Buffer): void {
    this.broker.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, () => undefined);
  }

  async #authenticate(client: Client): Promise<Refusal | null> {
    const socket = client.conn as TLSSocket;
    const r = await this.d.gatekeeper.admit(socket);
    if (!r.ok) { this.d.gatekeeper.refuseConnection('mqtt', socket, r); return r.refusal; }
    if (this.d.clientIdMustBeDeviceId && client.id !== r.deviceId) {
      const mismatch = refusal('GATEWAY_CLIENT_ID_MISMATCH');
      this.d.gatekeeper.refuseConnection('mqtt', socket, { refusal: mismatch, serial: r.serial, deviceId: r.deviceId });
      return mismatch;
    }
    const live = this.d.gatekeeper.register(socket, 'mqtt', r, (why) => this.#close(client, why));
    if (!('admitted' in live)) { this.d.gatekeeper.refuseConnection('mqtt', socket, { refusal: live, serial: r.serial, deviceId: r.deviceId }); return live; }
    this.#live.set(client, live);
    return null;
  }

  #close(client: Client, why: Refusal): void {
    if (client.version === 5) {
      const reasonCode = why.code === 'GATEWAY_UNAVAILABLE' ? DISCONNECT_SERVER_SHUTTING_DOWN : DISCONNECT_ADMINISTRATIVE_ACTION;
      const send = (): void => client.disconnect({ reasonCode, properties: { reasonString: why.code } });
      // Closed while aedes still finishes the CONNECT (after authenticate): DISCONNECT once it is done.
      if (client.connected) send(); else client.once('connected', send);
      // A client that does not read its DISCONNECT must not keep the socket open.
      setTimeout(() => client.conn.destroy(), 1000).unref();
    } else hangUp(client.conn as TLSSocket);
  }

  #authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    if (client === null) { done(null); return; }
    const live = this.#live.get(client);
    if (!live) { done(new Error('GATEWAY_NOT_AUTHORIZED')); return; }
    const refused = this.d.gate.authorize(live, { kind: 'publish', topic: packet.topic });
    if (refused) { this.#refuse(live, refused, done); return; }
    // Without sequence rules the decision is made: no promise on the hot path.
    if (!this.d.gate.tracksSequences) { this.#accepted(live, done); return; }
    this.d.gate.report(live, jsonObjectOf(packet.payload as Buffer)).then((result) => {
      if (!result.ok) this.#refuse(live, result.refusal, done);
      else this.#accepted(live, done);
    }, (err: unknown) => {
      this.d.onError(err);
      this.#refuse(live, refusal('GATEWAY_UNAVAILABLE'), done);
    });
  }

  #accepted(live: LiveConnection, done: (err?: Error | null) => void): void {
    this.#messages.inc();
    this.d.presence.seen(live.admitted.deviceId, live.admitted.serial, live.source, this.d.now());
    done(null);
  }

  #refuse(live: LiveConnection, r: Refusal, done: (err?: Error | null) => void): void {
    this.d.gatekeeper.refuseMessage(live, 'gateway.publish', r);
    done(new Error(r.code));
  }

  #authorizeSubscribe(client: Client, sub: Subscription): Subscription | null {
    const live = this.#live.get(client);
    if (live && !live.closedBy && maySubscribe(live.grants, sub.topic)) return sub;
    if (live) this.d.gatekeeper.refuseMessage(live, 'gateway.subscribe', refusal('GATEWAY_NOT_AUTHORIZED', { topic: sub.topic }));
    return null;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close();
      this.broker.close(() => resolve());
    });
  }
}
