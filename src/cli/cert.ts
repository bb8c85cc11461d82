// `edge cert`: where the development CA of `ssl_certificate auto` is (made if absent), and how
// to make browsers, the system, Node and curl trust it, the way mkcert does.

import { X509Certificate } from 'node:crypto';
import { resolveConfigFile } from '../config/load.ts';
import { autoDirOf } from '../tls/auto-dir.ts';
import { ensureCa } from '../tls/auto.ts';
import type { Command } from './command.ts';
import { configFlags, loadFromFlags } from './load-from-flags.ts';
import { out, reportErrors } from './output.ts';

export const certCommand: Command = {
  name: 'cert',
  usage: 'edge cert [--config FILE] [--path]',
  summary: 'show the development CA of ssl_certificate auto (made if absent) and how to trust it',
  details:
    'The CA lives in ssl_auto_dir (default: $XDG_DATA_HOME/edge/certs, else ~/.local/share/edge/certs);\nwith --config (or ./edge.conf, or $EDGE_CONFIG), that file\'s ssl_auto_dir is used.',
  flags: {
    config: configFlags.config,
    path: { type: 'boolean', doc: 'print only the path of the CA certificate (for NODE_EXTRA_CA_CERTS=$(edge cert --path))' },
  },
  maxPositionals: 0,
  async run(args) {
    let dir = autoDirOf(null);
    const flag = typeof args.flags.config === 'string' ? args.flags.config : null;
    if (resolveConfigFile(flag, process.env, process.cwd()) !== null) {
      const { result } = loadFromFlags('cert', args);
      if (result.config === null) {
        reportErrors(result.errors);
        return 1;
      }
      dir = autoDirOf(result.config);
    }
    const ca = await ensureCa(dir);
    if (args.flags.path === true) {
      out(`${ca.certPath}\n`);
      return 0;
    }
    out(trustText(ca.certPath, ca.keyPath, ca.created, new X509Certificate(ca.cert).validTo));
    return 0;
  },
};

function trustText(cert: string, key: string, created: boolean, validTo: string): string {
  return `edge development CA: ${cert}
${created ? 'created now' : 'made earlier'}, valid until ${validTo}. It signs the certificates of "ssl_certificate auto".

To trust it:
  Debian, Ubuntu (the system store: curl, wget, Python, Go, ...):
    sudo cp ${cert} /usr/local/share/ca-certificates/edge-dev.crt
    sudo update-ca-certificates
  Chromium, Chrome (Linux, per user; certutil is in libnss3-tools):
    certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n edge-dev -i ${cert}
  Firefox: the same certutil command with -d sql:<your Firefox profile directory>,
    or Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import
  Node.js (which ignores the system store):
    NODE_EXTRA_CA_CERTS=${cert} node app.js
  curl, for one request:
    curl --cacert ${cert} https://localhost:8443/

Its key, ${key}, is readable by you only: whoever has it can make certificates
that your machine trusts. Never share or commit it. To stop trusting it:
    sudo rm /usr/local/share/ca-certificates/edge-dev.crt && sudo update-ca-certificates --fresh
    certutil -D -n edge-dev -d sql:$HOME/.pki/nssdb
`;
}
