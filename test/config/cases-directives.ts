// Malformed configs that are well-formed text: unknown directives, wrong context, argument
// counts, values, duplicates, references between blocks, and the environment edge reads.

import type { MalformedCase } from './helpers.ts';

const app = 'app { module app.js; }\n';
const serve = 'server { location / { proxy app; } }\n';

/** A config with one line changed: `line` goes into the server's only location. */
const inLocation = (line: string): string => `${app}server {\n    location / {\n        ${line}\n    }\n}\n`;
const inServer = (line: string): string => `${app}server {\n    ${line}\n    location / { proxy app; }\n}\n`;
const inApp = (line: string): string => `app {\n    module app.js;\n    ${line}\n}\n${serve}`;

export const directiveCases: MalformedCase[] = [
  {
    name: 'unknown directive, a typo: did you mean',
    files: { 'edge.conf': inServer('listn 80;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE', `${at('edge.conf')}:3:5: unknown directive "listn"; did you mean "listen"?`],
    ],
  },
  {
    name: 'unknown directive, an nginx habit: proxy_pass → proxy',
    files: { 'edge.conf': inLocation('proxy_pass app;') },
    errors: (at) => [
      // Not also "location / has nothing to serve": the error in the location says why.
      ['EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE', `${at('edge.conf')}:4:9: unknown directive "proxy_pass"; did you mean "proxy"?`],
    ],
  },
  {
    name: 'unknown directive, an nginx habit: worker_processes → front_processes',
    files: { 'edge.conf': `worker_processes 4;\n${app}${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE', `${at('edge.conf')}:1:1: unknown directive "worker_processes"; did you mean "front_processes"?`],
    ],
  },
  {
    name: 'unknown directive with nothing close to suggest',
    files: { 'edge.conf': inServer('perl_modules lib;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE', `${at('edge.conf')}:3:5: unknown directive "perl_modules"`],
    ],
  },
  {
    name: 'module in a server block',
    files: { 'edge.conf': inServer('module app.js;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_CONTEXT', `${at('edge.conf')}:3:5: "module" is not allowed in a server block; it belongs in an app block`],
    ],
  },
  {
    name: 'listen at the top level',
    files: { 'edge.conf': `${app}listen 80;\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_CONTEXT', `${at('edge.conf')}:2:1: "listen" is not allowed at the top level; it belongs in a server block`],
    ],
  },
  {
    name: 'location nested in a location',
    files: { 'edge.conf': inLocation('proxy app; location /api { proxy app; }') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_CONTEXT', `${at('edge.conf')}:4:20: "location" is not allowed in a location block; it belongs in a server block`],
    ],
  },
  {
    name: 'too few arguments',
    files: { 'edge.conf': inLocation('proxy app; add_header X-Frame-Options;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:4:20: "add_header" takes 2 to 3 arguments (NAME VALUE [always]), got 1`],
    ],
  },
  {
    name: 'too many arguments',
    files: { 'edge.conf': inApp('worker_class async sync;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:3:5: "worker_class" takes 1 argument (async | sync), got 2`],
    ],
  },
  {
    name: 'no argument for a one-argument directive',
    files: { 'edge.conf': inApp('timeout;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:3:5: "timeout" takes 1 argument (DURATION), got 0`],
    ],
  },
  {
    name: 'block directives without their block',
    files: { 'edge.conf': `${app}server;\nserver {\n    location /;\n    location / { proxy app; }\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:2:1: "server" needs a block: server { ... }`],
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:4:5: "location" needs a block: location [= | ^~ | ~ | ~*] PATH-OR-REGEX | @NAME { ... }`],
    ],
  },
  {
    name: 'simple directives with a block',
    files: { 'edge.conf': `workers 2 {}\ninclude extra.conf { workers 3; }\n${inLocation('proxy app {}')}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:1:1: "workers" takes no block; end it with ";"`],
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:2:1: "include" takes no block; end it with ";"`],
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:6:9: "proxy" takes no block; end it with ";"`],
    ],
  },
  {
    name: 'sizes and durations',
    files: { 'edge.conf': `client_max_body_size 10mb;\n${inApp('timeout 1.5s;\n    max_memory 512MiB;\n    queue_timeout 1m30;')}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:1:1: "client_max_body_size": expected a size such as 512, 64k, 10m or 1g, got "10mb"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:5: "timeout": expected a duration such as 500ms, 30s, 5m or 1h, got "1.5s"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:5: "max_memory": expected a size such as 512, 64k, 10m or 1g, got "512MiB"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:6:5: "queue_timeout": expected a duration such as 500ms, 30s, 5m or 1h, got "1m30"`],
    ],
  },
  {
    name: 'ports and numbers out of range',
    files: { 'edge.conf': `workers 2000;\n${inServer('listen 65536;\n    keepalive_requests 0;')}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:1:1: "workers": expected a number from 1 to 1024, got 2000`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:5: "listen": expected a port from 0 to 65535, got "65536"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:5: "keepalive_requests": expected a number of at least 1, got 0`],
    ],
  },
  {
    name: 'choices: on/off, worker_class, error_log level',
    files: { 'edge.conf': `proxy_buffering yes;\nerror_log stderr verbose;\n${inApp('worker_class gevent;')}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:1:1: "proxy_buffering": expected on or off, got "yes"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:2:1: "error_log": expected debug, info, warn or error, got "verbose"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:5: "worker_class": expected async or sync, got "gevent"`],
    ],
  },
  {
    name: 'env needs NAME=VALUE',
    files: { 'edge.conf': inApp('env NODE_ENV;\n    env 1X=2;\n    env =x;\n    env OK=;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:3:5: "env": expected NAME=value with NAME made of letters, digits and _, got "NODE_ENV"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:5: "env": expected NAME=value with NAME made of letters, digits and _, got "1X=2"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:5: "env": expected NAME=value with NAME made of letters, digits and _, got "=x"`],
    ],
  },
  {
    name: 'listen address forms',
    files: {
      'edge.conf': inServer('listen localhost;\n    listen [fe80::zz]:80;\n    listen [1:2]:443;\n    listen ::1:80;\n    listen 80 spdy;\n    listen unix:;'),
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:3:5: "listen": expected PORT, ADDRESS:PORT, [IPv6]:PORT or unix:PATH, got "localhost"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:5: "listen": expected PORT, ADDRESS:PORT, [IPv6]:PORT or unix:PATH, got "[fe80::zz]:80"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:5: "listen": "[1:2]" is not an IPv6 address`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:6:5: "listen": expected PORT, ADDRESS:PORT, [IPv6]:PORT or unix:PATH, got "::1:80"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:7:5: "listen": expected ssl, http2 or default_server, got "spdy"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:8:5: "listen": expected a socket path after "unix:"`],
    ],
  },
  {
    name: 'location: invalid regex, path without "/", unknown modifier',
    files: {
      'edge.conf': `${app}server {\n    location ~ "^/(api" { proxy app; }\n    location api/ { proxy app; }\n    location == /x { proxy app; }\n    location / { proxy app; }\n}\n`,
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:3:5: "location": invalid regular expression "^/(api": Unterminated group`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:5: "location": a location path must start with "/" (or "@" for a named location), got "api/"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:5: "location": expected =, ^~, ~ or ~*, got "=="`],
    ],
  },
  {
    name: 'return: redirect without URL, status out of range',
    files: {
      'edge.conf': `${app}server {\n    location /old { return 301; }\n    location /teapot { return 600 "no"; }\n    location / { proxy app; }\n}\n`,
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:3:21: "return": a 301 redirect needs a URL`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:24: "return": expected a number from 100 to 599, got 600`],
    ],
  },
  {
    name: 'add_header: bad name, unknown third argument',
    files: { 'edge.conf': inLocation('proxy app;\n        add_header "X Frame" DENY;\n        add_header X-Frame DENY sometimes;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:9: "add_header": "X Frame" is not a valid HTTP header name`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:6:9: "add_header": expected always, got "sometimes"`],
    ],
  },
  {
    // A line break in a value would let the configuration inject headers of its own.
    name: 'add_header: a value with a line break',
    files: { 'edge.conf': inLocation('proxy app;\n        add_header X-Note "a\\r\\nSet-Cookie: x=1";') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:5:9: "add_header": a header value cannot contain line breaks or other control characters`],
    ],
  },
  {
    name: 'trusted_proxies: bad CIDR',
    files: { 'edge.conf': `trusted_proxies 10.0.0.0/8 10.0.0.0/33;\n${inServer('trusted_proxies 192.168.1;')}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:1:1: "trusted_proxies": expected an IP address or CIDR range such as 10.0.0.0/8 or ::1, got "10.0.0.0/33"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:4:5: "trusted_proxies": expected an IP address or CIDR range such as 10.0.0.0/8 or ::1, got "192.168.1"`],
    ],
  },
  {
    name: 'access_log off takes no format; app name characters',
    files: { 'edge.conf': `access_log off json;\napp my.app { module app.js; }\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:1:1: "access_log": "off" takes no format`],
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:2:1: "app": app name must be letters, digits, _ or -, got "my.app"`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:3:23: "proxy": no app named "app" (no app is defined)`],
    ],
  },
  {
    name: 'duplicate directive names the first occurrence',
    files: { 'edge.conf': inServer('client_max_body_size 1m;\n    server_name a.example;\n    client_max_body_size 2m;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_DUPLICATE', `${at('edge.conf')}:5:5: "client_max_body_size" is duplicate: it is already set at ${at('edge.conf')}:3:5`],
    ],
  },
  {
    name: 'duplicate directive across an include',
    files: { 'edge.conf': `workers 2;\ninclude tuning.conf;\n${app}${serve}`, 'tuning.conf': '\nworkers 4;\n' },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_DUPLICATE', `${at('tuning.conf')}:2:1: "workers" is duplicate: it is already set at ${at('edge.conf')}:1:1`],
    ],
  },
  {
    name: 'two apps with the same name',
    files: { 'edge.conf': `app web { module app.js; }\napp api { module app.js; }\napp web { module app.js; }\nserver { location / { proxy web; } }\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_DUPLICATE', `${at('edge.conf')}:3:1: app "web" is defined twice (first at ${at('edge.conf')}:1:1); give each app its own name`],
    ],
  },
  {
    name: 'proxy names an app that is not defined',
    files: { 'edge.conf': `app web { module app.js; }\napp api { module app.js; }\nserver { location / { proxy ap; } }\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:3:23: "proxy": no app named "ap" (defined: web, api)`],
    ],
  },
  {
    name: 'module names a file that does not exist',
    files: { 'edge.conf': inApp('chdir .;').replace('module app.js', 'module src/server.js') },
    errors: (at, abs) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:2:5: "module": no such file: ${abs('src/server.js')}`],
    ],
  },
  {
    name: 'app without module',
    files: { 'edge.conf': `app {\n    workers 2;\n}\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:1:1: app "app" has no module: add "module ./server.js;" to it, or name the app file on the command line`],
    ],
  },
  {
    name: 'an ssl listen without ssl_certificate (as nginx -t says)',
    files: { 'edge.conf': inServer('listen 8080;\n    listen 8443 ssl;') },
    errors: (at) => [
      [
        'EDGE_ERR_CONFIG_REFERENCE',
        `${at('edge.conf')}:4:5: no "ssl_certificate" is defined for the "listen ... ssl" directive: add "ssl_certificate FILE;" and "ssl_certificate_key FILE;" to the server, or "ssl_certificate auto;" for a development certificate`,
      ],
    ],
  },
  {
    name: 'ssl_certificate without its key, a key without certificate, a key with auto',
    files: {
      'edge.conf': `${inServer('listen 443 ssl;\n    ssl_certificate site.crt;')}server {\n    ssl_certificate_key site.key;\n    location / { proxy app; }\n}\nserver {\n    ssl_certificate auto;\n    ssl_certificate_key site.key;\n    location / { proxy app; }\n}\n`,
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:4:5: "ssl_certificate" has no "ssl_certificate_key": add the file of its private key`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:8:5: "ssl_certificate_key" without "ssl_certificate": add the certificate it belongs to`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:13:5: "ssl_certificate_key" is not used with "ssl_certificate auto" (edge makes the key): remove it`],
    ],
  },
  {
    name: 'ssl_ciphers that OpenSSL does not know',
    files: { 'edge.conf': inServer('ssl_ciphers NO-SUCH-CIPHER;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:3:5: "ssl_ciphers": OpenSSL accepts no cipher in "NO-SUCH-CIPHER" (error:0A0000B9:SSL routines::no cipher match)`],
    ],
  },
  {
    name: 'location with nothing to serve',
    files: { 'edge.conf': inLocation('expires 1h;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:3:5: location "/" has nothing to serve: add "proxy APP", "root DIR", "alias DIR", "try_files" or "return CODE"`],
    ],
  },
  {
    name: 'proxy with alias, root with alias',
    files: { 'edge.conf': inLocation('proxy app;\n        alias public/;\n    }\n    location /s/ {\n        root public;\n        alias public/;') },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:5:9: location "/" has both "proxy" and "alias": choose one`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:9:9: location "/s/" has both "root" and "alias": choose one`],
    ],
  },
  {
    name: 'a server without locations and two apps',
    files: { 'edge.conf': `app a { module app.js; }\napp b { module app.js; }\nserver {\n    listen 80;\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:3:1: the server has no location, and with 2 apps edge cannot pick one: add location / { proxy NAME; }`],
    ],
  },
  {
    name: 'a file with neither app nor server',
    files: { 'edge.conf': '# nothing here\nworkers 2;\n' },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `"${at('edge.conf')}" defines no app and no server: nothing to run`],
    ],
  },
  {
    name: 'PORT and WEB_CONCURRENCY with invalid values',
    files: { 'edge.conf': `${app}${serve}` },
    env: { PORT: 'abc', WEB_CONCURRENCY: '0' },
    errors: () => [
      ['EDGE_ERR_CONFIG_ENV', `environment variable PORT=abc: expected a port from 0 to 65535, got "abc"`],
      ['EDGE_ERR_CONFIG_ENV', `environment variable WEB_CONCURRENCY=0: expected a number from 1 to 1024, got 0`],
    ],
  },
  {
    name: 'every error of a file is collected, in order of position',
    files: {
      'edge.conf': `app {\n    module app.js;\n    worker_class thread;\n}\nserver {\n    listn 80;\n    location / { proxy app; module x.js; }\n    location /api { proxy api; }\n}\nworkers 1 2;\n`,
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:3:5: "worker_class": expected async or sync, got "thread"`],
      ['EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE', `${at('edge.conf')}:6:5: unknown directive "listn"; did you mean "listen"?`],
      ['EDGE_ERR_CONFIG_CONTEXT', `${at('edge.conf')}:7:29: "module" is not allowed in a location block; it belongs in an app block`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at('edge.conf')}:8:21: "proxy": no app named "api" (defined: app)`],
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:10:1: "workers" takes 1 argument (NUMBER | auto), got 2`],
    ],
  },
  {
    name: 'syntax errors and directive errors are collected together',
    files: { 'edge.conf': `workers two;\n${app};\nserver {\n    location / { proxy app; }\n    lisen 80;\n}\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at('edge.conf')}:1:1: "workers": expected a whole number, got "two"`],
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:3:1: unexpected ";": a directive name must come first`],
      ['EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE', `${at('edge.conf')}:6:5: unknown directive "lisen"; did you mean "listen"?`],
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:8:1: unexpected "}": no block is open here`],
    ],
  },
];
