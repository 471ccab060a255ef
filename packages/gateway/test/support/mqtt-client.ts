/**
 * A minimal MQTT client over TLS for tests and the benchmark: mqtt-packet (aedes's own
 * codec) on a node:tls socket, so every CONNACK return code, MQTT 5 reason code and
 * DISCONNECT can be read exactly. Not a general client: no QoS 2, no reconnects.
 */
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { generate, parser, type Packet } from 'mqtt-packet';

export interface MqttOptions {
  readonly host?: string;
  readonly port: number;
  readonly clientId: string;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5. */
  readonly version: 4 | 5;
  readonly tls: ConnectionOptions;
  readonly keepalive?: number;
  readonly timeoutMs?: number;
  /** A will message (QoS 0), published by the broker when the connection drops. */
  readonly will?: { readonly topic: string; readonly payload: string };
}

export interface ConnackResult {
  /** MQTT 3.1.1 returnCode, or MQTT 5 reasonCode. */
  readonly code: number;
  readonly reasonString?: string;
}

export class MqttClient {
  readonly received: { topic: string; payload: Buffer }[] = [];
  /** The DISCONNECT the broker sent, if any. */
  disconnect: { reasonCode: number; reasonString?: string } | null = null;
  readonly closed: Promise<void>;
  #nextId = 1;
  readonly #waiting = new Map<string, (p: Packet) => void>();
  #onMessage: ((topic: string, payload: Buffer) => void) | null = null;

  private constructor(readonly socket: TLSSocket, readonly version: 4 | 5) {
    const p = parser({ protocolVersion: version });
    socket.on('data', (b: Buffer) => p.parse(b));
    p.on('packet', (packet: Packet) => this.#dispatch(packet));
    p.on('error', () => socket.destroy());
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  /** Opens TLS, sends CONNECT, resolves with the client and its CONNACK (the socket may then close). */
  static async connect(o: MqttOptions): Promise<{ client: MqttClient; connack: ConnackResult }> {
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ host: o.host ?? '127.0.0.1', port: o.port, servername: 'localhost', ...o.tls });
      const timer = setTimeout(() => s.destroy(new Error('TLS handshake timeout')), o.timeoutMs ?? 10_000);
      s.once('secureConnect', () => { clearTimeout(timer); resolve(s); });
      s.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const client = new MqttClient(socket, o.version);
    const ack = client.#await('connack', o.timeoutMs);
    const will = o.will ? { will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 0 as const, retain: false } } : {};
    socket.write(generate({ cmd: 'connect', clientId: o.clientId, protocolVersion: o.version, clean: true, keepalive: o.keepalive ?? 60, ...will }, { protocolVersion: o.version }));
    const p = (await ack) as Packet & { returnCode?: number; reasonCode?: number; properties?: { reasonString?: string } };
    const connack = { code: (o.version === 5 ? p.reasonCode : p.returnCode) ?? 0, ...(p.properties?.reasonString ? { reasonString: p.properties.reasonString } : {}) };
    return { client, connack };
  }

  #dispatch(packet: Packet): void {
    if (packet.cmd === 'publish') {
      this.received.push({ topic: packet.topic, payload: Buffer.from(packet.payload as Buffer) });
      this.#onMessage?.(packet.topic, Buffer.from(packet.payload as Buffer));
      if (packet.qos === 1) this.socket.write(generate({ cmd: 'puback', messageId: packet.messageId! }, { protocolVersion: this.version }));
      return;
    }
    if (packet.cmd === 'disconnect') {
      this.disconnect = { reasonCode: packet.reasonCode ?? 0, ...(packet.properties?.reasonString ? { reasonString: packet.properties.reasonString } : {}) };
    }
    const key = packet.messageId === undefined || packet.cmd === 'connack' ? packet.cmd : `${packet.cmd}:${packet.messageId}`;
    const w = this.#waiting.get(key);
    if (w) { this.#waiting.delete(key); w(packet); }
  }

  #await(key: string, timeoutMs = 10_000): Promise<Packet> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.#waiting.delete(key); reject(new Error(`no ${key} within ${timeoutMs} ms`)); }, timeoutMs);
      this.closed.then(() => { if (this.#waiting.delete(key)) { clearTimeout(timer); reject(new Error(`closed before ${key}`)); } }, () => undefined);
      this.#waiting.set(key, (p) => { clearTimeout(timer); resolve(p); });
    });
  }

  onMessage(fn: (topic: string, payload: Buffer) => void): void { this.#onMessage = fn; }

  /** QoS 0: resolves when written. QoS 1: resolves with the PUBACK reason code (0 on MQTT 3.1.1). */
  async publish(topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<number> {
    const messageId = qos === 1 ? this.#nextId++ : undefined;
    const ack = qos === 1 ? this.#await(`puback:${messageId}`) : null;
    this.socket.write(generate({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, ...(messageId ? { messageId } : {}) }, { protocolVersion: this.version }));
    if (!ack) return 0;
    const p = (await ack) as Packet & { reasonCode?: number };
    return p.reasonCode ?? 0;
  }

  /** The SUBACK granted codes (0x80 refused on 3.1.1; 0x87 on 5). */
  async subscribe(filter: string): Promise<number[]> {
    const messageId = this.#nextId++;
    const ack = this.#await(`suback:${messageId}`);
    this.socket.write(generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic: filter, qos: 1 }] }, { protocolVersion: this.version }));
    const p = (await ack) as Packet & { granted: number[] };
    return p.granted;
  }

  end(): void {
    this.socket.end(generate({ cmd: 'disconnect' }, { protocolVersion: this.version }));
  }
}
