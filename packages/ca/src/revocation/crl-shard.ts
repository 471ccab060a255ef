/**
 * The CRL shard of a certificate: the low 32 bits of its serial modulo the number of
 * shards. Serials are random (issue/serial.ts), so shards fill evenly. It is computed once,
 * at intent time, and stored with the certificate, whose CRL distribution point names it;
 * changing the shard count later never moves an issued certificate to another CRL.
 */
import { crlUrl } from '../issue/status-urls.js';

export function crlShardOf(serialHex: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError('the CRL shard count must be a positive integer');
  if (shards === 1) return 0;
  return Number.parseInt(serialHex.slice(-8), 16) % shards;
}

/**
 * Where a new certificate's revocation is published: its shard, and with shards the
 * distribution point naming the shard's CRL (as Let's Encrypt does) for prepare().
 */
export function crlPlacement(publicUrl: string, shards: number, caName: string, serial: Uint8Array): { crlShard: number; crlDistributionPoints?: string[] } {
  const crlShard = crlShardOf(Buffer.from(serial).toString('hex'), shards);
  return shards > 1 ? { crlShard, crlDistributionPoints: [crlUrl(publicUrl, caName, crlShard, 'full')] } : { crlShard };
}
