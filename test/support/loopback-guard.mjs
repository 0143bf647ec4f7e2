// Installed for every test process (vitest setupFiles, and NODE_OPTIONS for the processes tests
// spawn): any TCP connection to an address outside 127.0.0.0/8 and ::1 fails before a socket
// opens. So a test that proves an SSRF refusal can never reach the network even when the guard
// under test is broken: it fails with LOOPBACK_GUARD instead.
import net from 'node:net';
import dns from 'node:dns';

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopback(address) {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (net.isIPv4(a)) return a.startsWith('127.');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1].startsWith('127.') : false;
}

function refusal(address) {
  return Object.assign(new Error(`loopback guard: a test tried to connect to ${address}; tests may only reach 127.0.0.0/8 and ::1`), { code: 'LOOPBACK_GUARD' });
}

const installed = Symbol.for('zoomwalk.loopbackGuard');
if (!globalThis[installed]) {
  globalThis[installed] = true;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const first = args[0];
    const options = Array.isArray(first) ? first[0] : typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
    if (options && options.path === undefined) {
      const host = options.host ?? 'localhost';
      if (net.isIP(host.replace(/^\[|\]$/g, ''))) {
        if (!isLoopback(host)) throw refusal(host);
      } else if (host !== 'localhost') {
        // A name: check every address it resolves to, whoever does the lookup.
        const lookup = options.lookup ?? dns.lookup;
        options.lookup = (name, opts, cb) => {
          const callback = typeof opts === 'function' ? opts : cb;
          const lookupOptions = typeof opts === 'function' ? {} : opts;
          lookup(name, lookupOptions, (err, address, family) => {
            if (err) return callback(err, address, family);
            const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
            const bad = list.find((a) => !isLoopback(a));
            if (bad) return callback(refusal(`${name} (${bad})`), address, family);
            callback(null, address, family);
          });
        };
      }
    }
    return connect.apply(this, args);
  };
  const self = new URL(import.meta.url).pathname;
  if (!(process.env.NODE_OPTIONS ?? '').includes(self)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${self}`.trim();
}
