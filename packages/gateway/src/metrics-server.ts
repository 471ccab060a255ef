/**
 * The plain-HTTP metrics listener (`--metrics HOST:PORT`): GET /metrics in the Prometheus
 * text format, GET /healthz; nothing else. Kept off the device-facing TLS listeners.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export function createMetricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(text);
      }, () => { res.writeHead(500); res.end(); });
      return;
    }
    if (req.method === 'GET' && req.url === '/healthz') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok\n'); return; }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  });
}
