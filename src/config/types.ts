// The typed, validated configuration. Runtime code reads only these types; the tree that
// the parser makes never leaves src/config/.

import type { Listen } from './values.ts';

export type { Listen };

export type Context = 'main' | 'app' | 'server' | 'location';

export type WorkerClass = 'sync' | 'async';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ErrorLog = { target: string; level: LogLevel };

/** `off`, or a file path, `stdout` or `stderr`, with a line format. */
export type AccessLog = { target: string; format: 'combined' | 'json' } | null;

/** `expires`: a lifetime in milliseconds, `max` (10 years, immutable) or off (null). */
export type Expires = number | 'max' | null;

export type AddHeader = { name: string; value: string; always: boolean };

export type ReturnAction = { status: number; text: string };

export type LocationModifier = '' | '=' | '^~' | '~' | '~*';

/** gzip and brotli of responses (inherited like RequestLimits). Types are lower-case media types or `*`. */
export type CompressionConfig = {
  gzip: boolean;
  gzipTypes: string[];
  gzipMinLength: number;
  gzipCompLevel: number;
  brotli: boolean;
  brotliTypes: string[];
  brotliMinLength: number;
  brotliCompLevel: number;
};

/** `types { ... }`: extension → media type pairs over the built-in table (mime-types), or none at all. */
export type MimeTypes = {
  /** False after an empty `types {}`: only `byExtension`, then `default_type`. */
  builtin: boolean;
  /** Lower-case extensions without the dot. */
  byExtension: Record<string, string>;
};

/** `disable_symlinks`: which symbolic links under the root are followed. */
export type SymlinkPolicy = 'off' | 'if_outside_root' | 'on';

/** `open_file_cache max=N inactive=TIME`. */
export type OpenFileCache = { max: number; inactive: number };

/** Static files (inherited like RequestLimits). */
export type StaticFilesConfig = {
  root: string | null;
  index: string[];
  autoindex: boolean;
  expires: Expires;
  types: MimeTypes;
  defaultType: string;
  disableSymlinks: SymlinkPolicy;
  dotfiles: boolean;
  gzipStatic: boolean;
  brotliStatic: boolean;
  openFileCache: OpenFileCache | null;
  openFileCacheValid: number;
  openFileCacheErrors: boolean;
  openFileCacheMemory: number;
  openFileCacheMaxBody: number;
};

/** try_files: the names tried in order (`$uri` replaced), then what to do when none exists. */
export type TryFiles = {
  files: string[];
  fallback: { kind: 'uri'; uri: string } | { kind: 'code'; status: number } | { kind: 'named'; name: string };
};

/** Settings that a location inherits from its server, and a server from the main context. */
export type RequestLimits = CompressionConfig & StaticFilesConfig & {
  clientMaxBodySize: number;
  clientBodyBufferSize: number;
  proxyReadTimeout: number;
  proxyBuffering: boolean;
  proxyRequestBuffering: boolean;
  accessLog: AccessLog;
  addHeaders: AddHeader[];
};

export type LocationConfig = RequestLimits & {
  modifier: LocationModifier;
  /** The prefix or expression; `@name` for a named location (reached only by try_files). */
  path: string;
  proxy: string | null;
  alias: string | null;
  tryFiles: TryFiles | null;
  return: ReturnAction | null;
};

export type ConnectionLimits = {
  clientHeaderTimeout: number;
  clientBodyTimeout: number;
  sendTimeout: number;
  keepaliveTimeout: number;
  keepaliveRequests: number;
  largeClientHeaderBuffers: { count: number; size: number };
  trustedProxies: string[];
  http2MaxConcurrentStreams: number;
};

/**
 * A file a directive names: its absolute path, and where the directive stands
 * (`file:line:col`, as a listen's `source`), so that a problem found when the file is read
 * (TLS material, at start and on reload) names both.
 */
export type FileRef = { path: string; source: string };

/** TLS settings a server inherits from the main context (nginx: http → server). */
export type TlsSettings = {
  /** Sorted: `TLSv1.2`, `TLSv1.3`. */
  sslProtocols: string[];
  /** OpenSSL cipher list for TLS 1.2. */
  sslCiphers: string;
  sslSessionTimeout: number;
  sslSessionTickets: boolean;
};

export type ServerConfig = RequestLimits &
  ConnectionLimits &
  TlsSettings & {
    listen: Listen[];
    serverNames: string[];
    /** `path` is the word `auto` for `ssl_certificate auto` (a development certificate). */
    sslCertificate: FileRef | null;
    sslCertificateKey: FileRef | null;
    /** A server-level `return`: answers every request before locations are matched. */
    return: ReturnAction | null;
    locations: LocationConfig[];
  };

export type AppConfig = {
  name: string;
  /** Absolute path of the app's entry module. */
  module: string | null;
  /** Working directory of the workers; the module's directory when not set. */
  chdir: string | null;
  workers: number;
  workerClass: WorkerClass;
  workerConnections: number;
  timeout: number;
  gracefulTimeout: number;
  bootTimeout: number;
  maxRequests: number;
  maxRequestsJitter: number;
  maxMemory: number;
  backlog: number;
  queueTimeout: number;
  env: Record<string, string>;
};

export type EdgeConfig = RequestLimits &
  ConnectionLimits &
  TlsSettings & {
    /** The configuration file, or null when running on built-in defaults. */
    file: string | null;
    workers: number;
    frontProcesses: number;
    gracefulTimeout: number;
    pid: string | null;
    runDir: string | null;
    /** `ssl_auto_dir`; null for the per-user default (src/tls/auto-dir.ts). */
    sslAutoDir: string | null;
    user: string | null;
    errorLog: ErrorLog;
    apps: AppConfig[];
    servers: ServerConfig[];
  };

/** Every property name that a directive can set, in any context. */
export type ConfigKey = keyof (EdgeConfig & AppConfig & ServerConfig & LocationConfig);
