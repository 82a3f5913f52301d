//! One action's run: runtime, sandboxed context, prelude, compilation, jobs, limits.

use crate::host::{local_op, Host, BROADCAST_OPS, SIGNING_OPS};
use rquickjs::context::intrinsic;
use rquickjs::{
    qjs, CatchResultExt, CaughtError, Context, Ctx, Exception, Function, Object, Persistent,
    Runtime, Value,
};
use std::cell::RefCell;
use std::ffi::CString;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Every intrinsic but `Eval`: without it the engine cannot compile code from strings, so
/// `eval`, `Function(...)` and the constructors of async and generator functions throw.
type Sandbox = (
    intrinsic::Date,
    intrinsic::RegExpCompiler,
    intrinsic::RegExp,
    intrinsic::Json,
    intrinsic::Proxy,
    intrinsic::MapSet,
    intrinsic::TypedArrays,
    intrinsic::Promise,
    intrinsic::WeakRef,
    intrinsic::DOMException,
);

/// What one run may use; the defaults are Lit's (its node's `action_client.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time for the whole run.
    pub timeout: Duration,
    /// Heap of the run's runtime.
    pub memory_bytes: usize,
    /// The action's source.
    pub code_bytes: usize,
    /// The string given to `setResponse`.
    pub response_bytes: usize,
    /// Everything logged with `console`.
    pub log_bytes: usize,
    /// Signatures one run may ask for (`signEcdsa` and its kin).
    pub signatures: usize,
    /// HTTP requests one run may make with `fetch`.
    pub fetches: usize,
    /// Contract calls one run may make (`callContract`).
    pub contract_calls: usize,
    /// Exchanges with the other nodes one run may make (`broadcastAndCollect`, `runOnce`'s
    /// broadcast and collection, `decryptAndCombine`).
    pub broadcasts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            memory_bytes: 256 * 1024 * 1024,
            code_bytes: 16 * 1024 * 1024,
            response_bytes: 100 * 1024,
            log_bytes: 100 * 1024,
            signatures: 10,
            fetches: 50,
            contract_calls: 30,
            broadcasts: 30,
        }
    }
}

/// A finished run: the response it set (empty if none) and its console output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub response: String,
    pub logs: String,
}

/// Why a run did not finish; every variant but [`ActionError::CodeTooLarge`] and
/// [`ActionError::Engine`] carries the logs written until then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The action threw (or a promise it left rejected): the exception's text.
    #[error("{message}")]
    Thrown { message: String, logs: String },
    /// Out of time: Lit's message.
    #[error("Your function exceeded the maximum runtime of {}ms and was terminated.", .limit.as_millis())]
    Timeout { limit: Duration, logs: String },
    /// Out of memory.
    #[error("Your function exceeded the maximum memory of {limit} bytes and was terminated.")]
    MemoryLimit { limit: usize, logs: String },
    /// The source is larger than the limit.
    #[error("The code is {len} bytes, more than the maximum of {limit}")]
    CodeTooLarge { len: usize, limit: usize },
    /// The engine could not be set up.
    #[error("the JavaScript engine failed: {0}")]
    Engine(String),
}

impl ActionError {
    /// The console output written before the run stopped.
    pub fn logs(&self) -> &str {
        match self {
            ActionError::Thrown { logs, .. }
            | ActionError::Timeout { logs, .. }
            | ActionError::MemoryLimit { logs, .. } => logs,
            ActionError::CodeTooLarge { .. } | ActionError::Engine(_) => "",
        }
    }
}

/// What the host functions collect during a run.
#[derive(Default)]
struct Collected {
    response: String,
    logs: String,
    unhandled_rejection: Option<String>,
    signatures: usize,
    fetches: usize,
    contract_calls: usize,
    broadcasts: usize,
}

/// One action to run: its code and what it sees.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    /// The source, a classic script.
    pub code: &'a str,
    /// Globals: each key becomes a global variable.
    pub js_params: &'a serde_json::Map<String, serde_json::Value>,
    /// `Lit.Auth`.
    pub auth: &'a serde_json::Value,
    /// `Lit.Headers`: the request's HTTP headers, by lower-case name.
    pub headers: &'a serde_json::Value,
}

/// The Lit globals, built from the host functions (`__sigil*`, removed once captured). Frozen,
/// as on Lit, so an action cannot replace `Lit.Actions.setResponse` for code it calls. The
/// Lit.Actions functions are async, as on Lit; each calls the host once, in call order.
const PRELUDE: &str = r#"
(() => {
  const log = globalThis.__sigilLog;
  const setResponse = globalThis.__sigilSetResponse;
  const host = globalThis.__sigilHost;
  const now = globalThis.__sigilNow;
  const headers = JSON.parse(globalThis.__sigilHeaders);
  const loadEthers = globalThis.__sigilLoadEthers;
  const auth = JSON.parse(globalThis.__sigilAuth);
  const params = JSON.parse(globalThis.__sigilParams);
  delete globalThis.__sigilLog;
  delete globalThis.__sigilSetResponse;
  delete globalThis.__sigilHost;
  delete globalThis.__sigilNow;
  delete globalThis.__sigilHeaders;
  delete globalThis.__sigilLoadEthers;
  delete globalThis.__sigilAuth;
  delete globalThis.__sigilParams;
  const call = (name, args) => JSON.parse(host(name, JSON.stringify(args === undefined ? null : args)));
  const bytes = (value) => Array.from(new Uint8Array(value));
  const text = (value) => {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return String(value);
    try {
      const json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch (_) {
      return String(value);
    }
  };
  const line = (...args) => log(args.map(text).join(' '));
  const console = Object.freeze({
    log: line, info: line, warn: line, error: line, debug: line, trace: line,
  });
  const deepFreeze = (value) => {
    if (value && typeof value === 'object') {
      Object.values(value).forEach(deepFreeze);
      Object.freeze(value);
    }
    return value;
  };
  const utf8 = (string) => new Uint8Array(call('utf8Encode', String(string)));
  const fromUtf8 = (value) => call('utf8Decode', bytes(value));
  const fromString = (string, encoding = 'utf8') =>
    new Uint8Array(call('decodeString', { string: String(string), encoding }));
  const toString = (value, encoding = 'utf8') =>
    call('encodeBytes', { bytes: bytes(value), encoding });
  const hostFn = (name, shape) => async (args = {}) => call(name, shape(args));
  const same = (args) => args;
  const Actions = Object.freeze({
    setResponse: ({ response } = {}) => setResponse(String(response)),
    signEcdsa: hostFn('signEcdsa', ({ toSign, publicKey, sigName }) =>
      ({ toSign: bytes(toSign), publicKey, sigName })),
    ethPersonalSignMessageEcdsa: hostFn('ethPersonalSignMessageEcdsa',
      ({ message, publicKey, sigName }) =>
        ({ toSign: bytes(typeof message === 'string' ? utf8(message) : message), publicKey, sigName })),
    signAndCombineEcdsa: hostFn('signAndCombineEcdsa', ({ toSign, publicKey, sigName }) =>
      ({ toSign: bytes(toSign), publicKey, sigName })),
    pubkeyToTokenId: hostFn('pubkeyToTokenId', ({ publicKey }) => ({ publicKey })),
    getRpcUrl: hostFn('getRpcUrl', ({ chain }) => ({ chain })),
    getLatestNonce: hostFn('getLatestNonce', same),
    checkConditions: hostFn('checkConditions', same),
    claimKey: hostFn('claimKey', ({ keyId }) => ({ keyId })),
    isPermittedAction: hostFn('isPermittedAction', same),
    isPermittedAddress: hostFn('isPermittedAddress', same),
    isPermittedAuthMethod: hostFn('isPermittedAuthMethod', ({ tokenId, authMethodType, userId }) =>
      ({ tokenId, authMethodType, userId: bytes(userId) })),
    getPermittedActions: hostFn('getPermittedActions', same),
    getPermittedAddresses: hostFn('getPermittedAddresses', same),
    getPermittedAuthMethods: hostFn('getPermittedAuthMethods', same),
    getPermittedAuthMethodScopes: hostFn('getPermittedAuthMethodScopes',
      ({ tokenId, authMethodType, userId, maxScopeId = 100 }) =>
        ({ tokenId, authMethodType, userId: bytes(userId), maxScopeId })),
    decryptAndCombine: hostFn('decryptAndCombine', same),
    decryptToSingleNode: hostFn('decryptToSingleNode', same),
    encrypt: hostFn('encrypt', ({ accessControlConditions, to_encrypt }) =>
      ({ accessControlConditions, toEncrypt: bytes(typeof to_encrypt === 'string' ? utf8(to_encrypt) : to_encrypt) })),
    aesDecrypt: hostFn('aesDecrypt', ({ symmetricKey, ciphertext }) =>
      ({ symmetricKey: bytes(symmetricKey), ciphertext: bytes(ciphertext) })),
    callContract: hostFn('callContract', same),
    call: hostFn('call', same),
    broadcastAndCollect: hostFn('broadcastAndCollect', same),
    runOnce: async ({ waitForResponse, name } = {}, fn) => {
      const id = name || 'default_bc_id';
      if (call('isLeader', { name: id })) {
        let response = '';
        try {
          response = await fn();
        } catch (e) {
          console.error('Error running function:', e);
          response = '[ERROR]';
        }
        try {
          response = response.toString();
        } catch (e) {
          console.error('Error converting response to string:', e);
          response = '';
        }
        if (waitForResponse) call('broadcast', { name: id, value: response });
        return response;
      }
      if (waitForResponse) return call('collectFromLeader', { name: id });
    },
    uint8arrayToString: toString,
    uint8arrayFromString: fromString,
  });
  const Auth = deepFreeze(auth);
  const Lit = Object.freeze({ Actions, Auth, Headers: deepFreeze(headers) });
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return utf8(input); }
  }
  class TextDecoder {
    get encoding() { return 'utf-8'; }
    decode(input) { return input === undefined ? '' : fromUtf8(input); }
  }
  const latin1 = (string) => {
    const out = [];
    for (let i = 0; i < string.length; i++) {
      const code = string.charCodeAt(i);
      if (code > 255) throw new DOMException('The string contains characters outside of the Latin1 range', 'InvalidCharacterError');
      out.push(code);
    }
    return out;
  };
  const btoa = (data) => call('encodeBytes', { bytes: latin1(String(data)), encoding: 'base64pad' });
  const atob = (data) => {
    const decoded = call('decodeString', { string: String(data).replace(/[\t\n\f\r ]/g, ''), encoding: 'base64pad' });
    return decoded.map((code) => String.fromCharCode(code)).join('');
  };
  const Uint8arrays = Object.freeze({
    toString, fromString,
    concat: (arrays, length) => {
      const out = new Uint8Array(length ?? arrays.reduce((sum, a) => sum + a.length, 0));
      let offset = 0;
      for (const a of arrays) { out.set(a, offset); offset += a.length; }
      return out;
    },
    equals: (a, b) => a.byteLength === b.byteLength && a.every((v, i) => v === b[i]),
    compare: (a, b) => {
      for (let i = 0; i < a.byteLength; i++) {
        if (a[i] < b[i]) return -1;
        if (a[i] > b[i]) return 1;
      }
      return a.byteLength > b.byteLength ? 1 : a.byteLength < b.byteLength ? -1 : 0;
    },
  });
  // Timers: run by the engine once no promise job is left, earliest first (ties in the order
  // they were set), each at its time; a run with a timer pending past its deadline times out.
  const timers = [];
  let nextTimer = 1;
  const addTimer = (fn, ms, args, repeat) => {
    if (typeof fn !== 'function') throw new TypeError('The callback must be a function');
    const delay = Math.max(0, Number(ms) || 0);
    const id = nextTimer++;
    timers.push({ id, due: now() + delay, fn, args, every: repeat ? Math.max(1, delay) : 0 });
    return id;
  };
  const clearTimer = (id) => {
    const index = timers.findIndex((timer) => timer.id === id);
    if (index >= 0) timers.splice(index, 1);
  };
  const earliest = () => {
    let best = -1;
    for (let i = 0; i < timers.length; i++) {
      if (best < 0 || timers[i].due < timers[best].due) best = i;
    }
    return best;
  };
  globalThis.__sigilTimerDue = () => {
    const index = earliest();
    return index < 0 ? -1 : timers[index].due;
  };
  globalThis.__sigilFireTimer = () => {
    const index = earliest();
    if (index < 0) return;
    const timer = timers[index];
    if (timer.every) timer.due += timer.every;
    else timers.splice(index, 1);
    timer.fn(...timer.args);
  };
  class FetchHeaders {
    constructor(pairs = []) { this.pairs = pairs.map(([k, v]) => [String(k).toLowerCase(), String(v)]); }
    get(name) {
      const found = this.pairs.filter(([k]) => k === String(name).toLowerCase()).map(([, v]) => v);
      return found.length ? found.join(', ') : null;
    }
    has(name) { return this.get(name) !== null; }
    forEach(fn) { this.pairs.forEach(([k, v]) => fn(v, k, this)); }
    entries() { return this.pairs[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
  }
  class FetchResponse {
    constructor(answer) {
      this.status = answer.status;
      this.statusText = answer.statusText;
      this.ok = answer.status >= 200 && answer.status < 300;
      this.url = answer.url;
      this.headers = new FetchHeaders(answer.headers);
      this.body = answer.body;
    }
    async arrayBuffer() { return new Uint8Array(call('decodeString', { string: this.body, encoding: 'base64pad' })).buffer; }
    async text() { return fromUtf8(await this.arrayBuffer()); }
    async json() { return JSON.parse(await this.text()); }
  }
  const headerPairs = (given) => {
    if (!given) return [];
    if (given instanceof FetchHeaders) return given.pairs;
    if (Array.isArray(given)) return given.map(([k, v]) => [String(k), String(v)]);
    return Object.entries(given).map(([k, v]) => [k, String(v)]);
  };
  const fetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input && input.url ? input.url : String(input);
    let body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') body = fromUtf8(body);
    return new FetchResponse(call('fetch', {
      url, method: String(init.method || 'GET').toUpperCase(), headers: headerPairs(init.headers),
      body: body === undefined || body === null ? null : body,
    }));
  };
  const crypto = Object.freeze({
    getRandomValues: (array) => {
      if (!ArrayBuffer.isView(array)) throw new TypeError('getRandomValues takes a typed array');
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      bytes.set(call('randomBytes', bytes.length));
      return array;
    },
    randomUUID: () => {
      const b = call('randomBytes', 16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const hex = b.map((x) => x.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    subtle: Object.freeze({
      digest: async (algorithm, data) => {
        const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name;
        const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
        return new Uint8Array(call('digest', { algorithm: String(name), bytes: Array.from(view) })).buffer;
      },
    }),
  });
  // The secp256k1 curve ethers is given, with elliptic's interface (the part ethers uses), and
  // its keccak256, computed by the engine.
  const hex = (value) => call('encodeBytes', { bytes: bytes(value), encoding: 'base16' });
  const secp = (args) => call('secp256k1', args);
  const bigNumber = (text) => ({ toString: () => text.replace(/^0+(?=.)/, '') });
  const point = (key) => ({
    key,
    encode: (encoding, compressed) => secp({ op: 'publicKey', key, compressed: !!compressed }),
    encodeCompressed: () => secp({ op: 'publicKey', key, compressed: true }),
    add: (other) => point(secp({ op: 'add', a: key, b: other.key })),
  });
  const curve = Object.freeze({
    keyFromPrivate: (value) => {
      const key = hex(value);
      return {
        getPublic: (compressed, encoding) => {
          const encoded = secp({ op: 'publicKey', key, compressed: !!compressed });
          return encoding === 'hex' ? encoded : point(encoded);
        },
        sign: (digest) => {
          const signed = secp({ op: 'sign', key, digest: hex(digest) });
          return { r: bigNumber(signed.r), s: bigNumber(signed.s), recoveryParam: signed.recid };
        },
        derive: (other) => bigNumber(secp({ op: 'derive', key, pub: other.key })),
      };
    },
    keyFromPublic: (value) => {
      const pub = point(hex(value));
      return {
        pub,
        getPublic: (compressed, encoding) =>
          encoding === 'hex' ? secp({ op: 'publicKey', key: pub.key, compressed: !!compressed }) : pub,
      };
    },
    recoverPubKey: (digest, signature, recid) => point(secp({
      op: 'recover', digest: hex(digest), r: hex(signature.r), s: hex(signature.s), recid,
    })),
    keccak256: (data) => call('keccak256', bytes(data)),
  });
  // `jwt`, as npm jsonwebtoken: sign and verify in the engine, with its error names.
  const jwtErrors = { JsonWebTokenError: 1, TokenExpiredError: 1, NotBeforeError: 1 };
  const jwtCall = (op, args) => {
    try {
      return call(op, args);
    } catch (e) {
      const text = String(e && e.message);
      const at = text.indexOf(': ');
      const name = at > 0 ? text.slice(0, at) : '';
      if (!jwtErrors[name]) throw e;
      const error = new Error(text.slice(at + 2));
      error.name = name;
      throw error;
    }
  };
  const seconds = (span) => {
    if (typeof span === 'number') return span;
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|y)?\s*$/i.exec(String(span));
    if (!match) throw new Error('"expiresIn" should be a number of seconds or string representing a timespan');
    const unit = { ms: 0.001, s: 1, sec: 1, secs: 1, m: 60, min: 60, mins: 60, h: 3600, hr: 3600, hrs: 3600,
      d: 86400, day: 86400, days: 86400, w: 604800, y: 31557600 }[(match[2] || 'ms').toLowerCase()];
    return Math.floor(Number(match[1]) * unit);
  };
  const part = (text) => JSON.parse(fromUtf8(fromString(text, 'base64url')));
  const jwt = Object.freeze({
    sign: (payload, key, options = {}) => {
      let body = payload;
      if (body && typeof body === 'object') {
        body = { ...body };
        const now = Math.floor(Date.now() / 1000);
        if (!options.noTimestamp && body.iat === undefined) body.iat = now;
        if (options.expiresIn !== undefined) body.exp = (body.iat ?? now) + seconds(options.expiresIn);
        if (options.notBefore !== undefined) body.nbf = (body.iat ?? now) + seconds(options.notBefore);
        for (const [option, claim] of [['audience', 'aud'], ['issuer', 'iss'], ['subject', 'sub'], ['jwtid', 'jti']]) {
          if (options[option] !== undefined) body[claim] = options[option];
        }
      }
      return jwtCall('jwtSign', { payload: body, key: String(key), algorithm: options.algorithm || 'HS256' });
    },
    verify: (token, key, options = {}) => jwtCall('jwtVerify', {
      token: String(token), key: String(key), algorithms: options.algorithms || null,
      audience: options.audience ?? null, issuer: options.issuer ?? null,
    }),
    decode: (token, options = {}) => {
      try {
        const [header, payload, signature] = String(token).split('.');
        if (signature === undefined) return null;
        const decoded = part(payload);
        return options.complete ? { header: part(header), payload: decoded, signature } : decoded;
      } catch (_) {
        return null;
      }
    },
  });
  // ethers is loaded the first time an action reads it: the others do not pay for it.
  Object.defineProperty(globalThis, 'ethers', {
    configurable: true,
    enumerable: false,
    get() {
      delete globalThis.ethers;
      Object.defineProperty(globalThis, '__sigilCurve', { value: curve, configurable: true });
      try {
        loadEthers();
      } finally {
        delete globalThis.__sigilCurve;
      }
      const value = globalThis.ethers;
      Object.defineProperty(globalThis, 'ethers', { value, writable: false, configurable: false, enumerable: false });
      return value;
    },
  });
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
  define('console', console);
  define('Lit', Lit);
  define('LitActions', Actions);
  define('LitAuth', Auth);
  define('global', globalThis);
  define('TextEncoder', TextEncoder);
  define('TextDecoder', TextDecoder);
  define('btoa', btoa);
  define('atob', atob);
  define('Uint8arrays', Uint8arrays);
  define('setTimeout', (fn, ms, ...args) => addTimer(fn, ms, args, false));
  define('setInterval', (fn, ms, ...args) => addTimer(fn, ms, args, true));
  define('clearTimeout', clearTimer);
  define('clearInterval', clearTimer);
  define('fetch', fetch);
  define('Headers', FetchHeaders);
  define('crypto', crypto);
  define('jwt', jwt);
  Object.assign(globalThis, params);
})();
"#;

/// Runs `action`; what it asks of the node (signatures, chain reads, HTTP, ...) goes to `host`.
pub fn execute(
    action: &Action<'_>,
    limits: &Limits,
    host: Rc<dyn Host>,
) -> Result<Outcome, ActionError> {
    let code = action.code;
    if code.len() > limits.code_bytes {
        return Err(ActionError::CodeTooLarge {
            len: code.len(),
            limit: limits.code_bytes,
        });
    }
    let engine = |e: rquickjs::Error| ActionError::Engine(e.to_string());
    let runtime = Runtime::new().map_err(engine)?;
    runtime.set_memory_limit(limits.memory_bytes);
    runtime.set_max_stack_size(1024 * 1024);
    let deadline = Instant::now() + limits.timeout;
    runtime.set_interrupt_handler(Some(Box::new(move || Instant::now() >= deadline)));
    let collected = Rc::new(RefCell::new(Collected::default()));
    {
        let collected = Rc::clone(&collected);
        runtime.set_host_promise_rejection_tracker(Some(Box::new(
            move |_ctx: Ctx<'_>, _promise: Value<'_>, reason: Value<'_>, handled: bool| {
                let mut collected = collected.borrow_mut();
                if handled {
                    collected.unhandled_rejection = None;
                } else if collected.unhandled_rejection.is_none() {
                    collected.unhandled_rejection = Some(describe(&reason));
                }
            },
        )));
    }
    // The action is compiled here, where code from strings is allowed, and run in `sandbox`,
    // where it is not.
    let compiler = Context::full(&runtime).map_err(engine)?;
    let sandbox = Context::custom::<Sandbox>(&runtime).map_err(engine)?;
    let compiler_ptr = compiler.with(|ctx| ctx.as_raw());
    let source = CString::new(code).map_err(|_| ActionError::Thrown {
        message: "SyntaxError: the code contains a NUL character".into(),
        logs: String::new(),
    })?;
    let params = serde_json::Value::Object(action.js_params.clone()).to_string();
    let auth = action.auth.to_string();
    let headers = action.headers.to_string();
    let started = Instant::now();

    let stopped = |collected: &Collected, message: String| {
        let logs = collected.logs.clone();
        if Instant::now() >= deadline {
            ActionError::Timeout {
                limit: limits.timeout,
                logs,
            }
        } else if message.contains("out of memory") {
            ActionError::MemoryLimit {
                limit: limits.memory_bytes,
                logs,
            }
        } else {
            ActionError::Thrown { message, logs }
        }
    };

    let prelude = CString::new(PRELUDE).map_err(|e| ActionError::Engine(e.to_string()))?;
    let globals = Globals {
        compiler: compiler_ptr,
        params: &params,
        auth: &auth,
        headers: &headers,
        started,
        deadline,
    };
    let ran: Result<Timers, String> = sandbox.with(|ctx| {
        install_host(&ctx, &collected, limits, &globals, host)
            .catch(&ctx)
            .map_err(caught_text)?;
        run_compiled(&ctx, compiler_ptr, &prelude, c"prelude.js")?;
        let timers = Timers::take(&ctx).catch(&ctx).map_err(caught_text)?;
        run_compiled(&ctx, compiler_ptr, &source, c"action.js")?;
        Ok(timers)
    });
    let timers = match ran {
        Ok(timers) => timers,
        Err(message) => return Err(stopped(&collected.borrow(), message)),
    };
    // Promise jobs (async actions) until none is left, then the earliest timer, at its time,
    // and so on: once neither is left the run is over (a promise that never settles ends it
    // as Lit's does once nothing more can happen).
    loop {
        match runtime.execute_pending_job() {
            Ok(true) => continue,
            Ok(false) => {}
            Err(job) => {
                let message = job.0.with(|ctx| describe(&ctx.catch()));
                return Err(stopped(&collected.borrow(), message));
            }
        }
        let due = sandbox
            .with(|ctx| timers.due(&ctx))
            .map_err(|e| ActionError::Engine(e.to_string()))?;
        let Some(due) = due else { break };
        let at = started + due;
        if at >= deadline {
            std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
            return Err(stopped(&collected.borrow(), "timed out".into()));
        }
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        if let Err(message) = sandbox.with(|ctx| timers.fire(&ctx)) {
            return Err(stopped(&collected.borrow(), message));
        }
    }
    let collected = collected.borrow();
    if let Some(message) = &collected.unhandled_rejection {
        return Err(stopped(&collected, message.clone()));
    }
    Ok(Outcome {
        response: collected.response.clone(),
        logs: collected.logs.clone(),
    })
}

/// What the prelude reads from the host when it sets up the globals.
struct Globals<'a> {
    /// The context that compiles (code the engine itself loads: the ethers bundle).
    compiler: std::ptr::NonNull<qjs::JSContext>,
    params: &'a str,
    auth: &'a str,
    headers: &'a str,
    started: Instant,
    deadline: Instant,
}

/// The prelude's timer functions, kept out of the action's reach.
struct Timers {
    due: Persistent<Function<'static>>,
    fire: Persistent<Function<'static>>,
}

impl Timers {
    /// Takes the timer functions the prelude left as globals, before the action runs.
    fn take(ctx: &Ctx<'_>) -> rquickjs::Result<Timers> {
        let globals = ctx.globals();
        let due: Function = globals.get("__sigilTimerDue")?;
        let fire: Function = globals.get("__sigilFireTimer")?;
        globals.remove("__sigilTimerDue")?;
        globals.remove("__sigilFireTimer")?;
        Ok(Timers {
            due: Persistent::save(ctx, due),
            fire: Persistent::save(ctx, fire),
        })
    }

    /// When the earliest timer is due, counted from the run's start; `None` when none is set.
    fn due(&self, ctx: &Ctx<'_>) -> rquickjs::Result<Option<Duration>> {
        let due: f64 = self.due.clone().restore(ctx)?.call(())?;
        Ok((due >= 0.0).then(|| Duration::from_secs_f64(due / 1000.0)))
    }

    /// Runs the earliest timer's callback; an exception comes back as its text.
    fn fire(&self, ctx: &Ctx<'_>) -> Result<(), String> {
        let fire = self.fire.clone().restore(ctx).map_err(|e| e.to_string())?;
        fire.call::<_, ()>(()).catch(ctx).map_err(caught_text)
    }
}

/// Counts `op` against the run's per-kind limits; past one, the message Lit's node gives.
fn count_op(counts: &mut Collected, op: &str, limits: &Limits) -> Result<(), String> {
    let bump = |count: &mut usize, limit: usize, message: &dyn Fn(usize) -> String| {
        *count += 1;
        if *count > limit {
            return Err(message(limit));
        }
        Ok(())
    };
    if SIGNING_OPS.contains(&op) {
        bump(&mut counts.signatures, limits.signatures, &|limit| {
            format!("You may not sign more than {limit} times per session and you have attempted to exceed that limit.")
        })?;
    }
    if BROADCAST_OPS.contains(&op) {
        bump(&mut counts.broadcasts, limits.broadcasts, &|limit| {
            format!("You may not use broadcast and collect functionality more than {limit} times per session and you have attempted to exceed that limit.")
        })?;
    }
    if op == "callContract" {
        bump(
            &mut counts.contract_calls,
            limits.contract_calls,
            &|limit| {
                format!("You may invoke contract calls more than {limit} times per session and you have attempted to exceed that limit.")
            },
        )?;
    }
    if op == "fetch" {
        bump(&mut counts.fetches, limits.fetches, &|limit| {
            format!("You may not send more than {limit} HTTP requests per session and you have attempted to exceed that limit.")
        })?;
    }
    Ok(())
}

/// The host side of `console`, `setResponse` and the Lit.Actions calls, and the run's
/// parameters, as temporary globals the prelude captures.
fn install_host<'js>(
    ctx: &Ctx<'js>,
    collected: &Rc<RefCell<Collected>>,
    limits: &Limits,
    run: &Globals<'_>,
    host: Rc<dyn Host>,
) -> rquickjs::Result<()> {
    let deadline = run.deadline;
    let globals: Object = ctx.globals();
    let log_limit = limits.log_bytes;
    let logs = Rc::clone(collected);
    globals.set(
        "__sigilLog",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'_>, line: String| -> rquickjs::Result<()> {
                let mut collected = logs.borrow_mut();
                // Past the limit the call throws (the action may catch it), as on Lit.
                if collected.logs.len() + line.len() + 1 > log_limit {
                    return Err(Exception::throw_message(&ctx, &format!("Console.log is printing something that is too long. Max length for all logs in a single request is {log_limit} bytes")));
                }
                collected.logs.push_str(&line);
                collected.logs.push('\n');
                Ok(())
            },
        )?,
    )?;
    let response_limit = limits.response_bytes;
    let response = Rc::clone(collected);
    globals.set(
        "__sigilSetResponse",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'_>, text: String| -> rquickjs::Result<()> {
                // Too long: the call throws, as on Lit, and the last response stays.
                if text.len() > response_limit {
                    return Err(Exception::throw_message(
                        &ctx,
                        &format!("Response is too long. Max length is {response_limit} bytes"),
                    ));
                }
                response.borrow_mut().response = text;
                Ok(())
            },
        )?,
    )?;
    let limits = limits.clone();
    let counts = Rc::clone(collected);
    globals.set(
        "__sigilHost",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'_>, op: String, args: String| -> rquickjs::Result<String> {
                let thrown = |message: &str| Err(Exception::throw_message(&ctx, message));
                let Ok(args) = serde_json::from_str::<serde_json::Value>(&args) else {
                    return thrown("the arguments are not JSON");
                };
                if let Err(message) = count_op(&mut counts.borrow_mut(), &op, &limits) {
                    return thrown(&message);
                }
                let answer = match local_op(&op, &args) {
                    Some(answer) => answer,
                    None => host.call(&op, args, deadline),
                };
                match answer {
                    Ok(value) => Ok(value.to_string()),
                    Err(message) => thrown(&message),
                }
            },
        )?,
    )?;
    let started = run.started;
    globals.set(
        "__sigilNow",
        Function::new(ctx.clone(), move || {
            started.elapsed().as_secs_f64() * 1000.0
        })?,
    )?;
    globals.set("__sigilParams", run.params)?;
    globals.set("__sigilAuth", run.auth)?;
    globals.set("__sigilHeaders", run.headers)?;
    let compiler = run.compiler;
    globals.set(
        "__sigilLoadEthers",
        Function::new(ctx.clone(), move |ctx: Ctx<'_>| -> rquickjs::Result<()> {
            let bytecode = ETHERS_BYTECODE.get_or_init(|| {
                let source = CString::new(crate::ethers::source()).map_err(|e| e.to_string())?;
                compile(compiler, &source, c"ethers.js")
            });
            let loaded = match bytecode {
                Ok(bytecode) => run_bytecode(&ctx, bytecode),
                Err(message) => Err(message.clone()),
            };
            loaded.map_err(|message| {
                Exception::throw_message(&ctx, &format!("loading ethers failed: {message}"))
            })
        })?,
    )?;
    Ok(())
}

/// Compiles `source` as a classic script in the compiler context (which may compile code) and
/// runs it in `ctx` (which may not); an exception comes back as its text.
fn run_compiled(
    ctx: &Ctx<'_>,
    compiler: std::ptr::NonNull<qjs::JSContext>,
    source: &CString,
    filename: &std::ffi::CStr,
) -> Result<(), String> {
    let bytecode = compile(compiler, source, filename)?;
    run_bytecode(ctx, &bytecode)
}

/// `source` compiled as a classic script, serialised: bytecode any context can read back. A
/// function belongs to the realm that made it, and one read in a context belongs to that
/// context (its globals, and no eval).
fn compile(
    compiler: std::ptr::NonNull<qjs::JSContext>,
    source: &CString,
    filename: &std::ffi::CStr,
) -> Result<Vec<u8>, String> {
    // SAFETY: the compiler context belongs to the runtime whose lock the caller holds; the
    // compiled value is freed once, the buffer by js_free after it is copied.
    unsafe {
        let compiled = qjs::JS_Eval(
            compiler.as_ptr(),
            source.as_ptr(),
            source.as_bytes().len() as _,
            filename.as_ptr(),
            (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32,
        );
        if qjs::JS_IsException(compiled) {
            let exception = qjs::JS_GetException(compiler.as_ptr());
            return Err(describe(&Value::from_raw(
                Ctx::from_raw(compiler),
                exception,
            )));
        }
        let mut size: qjs::size_t = 0;
        let bytes = qjs::JS_WriteObject(
            compiler.as_ptr(),
            &mut size,
            compiled,
            qjs::JS_WRITE_OBJ_BYTECODE as i32,
        );
        qjs::JS_FreeValue(compiler.as_ptr(), compiled);
        if bytes.is_null() {
            return Err("InternalError: the compiled code does not serialise".into());
        }
        let copy = std::slice::from_raw_parts(bytes, size as usize).to_vec();
        qjs::js_free(compiler.as_ptr(), bytes.cast());
        Ok(copy)
    }
}

/// Reads `bytecode` into `ctx` and runs it; an exception comes back as its text.
fn run_bytecode(ctx: &Ctx<'_>, bytecode: &[u8]) -> Result<(), String> {
    let sandbox = ctx.as_raw().as_ptr();
    // SAFETY: `ctx`'s runtime lock is held by the caller; JS_ReadObject copies from the slice,
    // JS_EvalFunction takes ownership of the function it runs, the wrapper frees the result.
    let result = unsafe {
        let function = qjs::JS_ReadObject(
            sandbox,
            bytecode.as_ptr(),
            bytecode.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        );
        if qjs::JS_IsException(function) {
            return Err(describe(&ctx.catch()));
        }
        Value::from_raw(ctx.clone(), qjs::JS_EvalFunction(sandbox, function))
    };
    if result.is_exception() {
        return Err(describe(&ctx.catch()));
    }
    Ok(())
}

/// The ethers bundle compiled once per process (it is the same for every run).
static ETHERS_BYTECODE: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();

fn caught_text(error: CaughtError<'_>) -> String {
    match error {
        CaughtError::Exception(exception) => {
            let message = exception.message().unwrap_or_default();
            let name = exception
                .get::<_, String>("name")
                .unwrap_or_else(|_| "Error".into());
            format!("{name}: {message}")
        }
        CaughtError::Value(value) => describe(&value),
        CaughtError::Error(error) => error.to_string(),
    }
}

/// An exception or rejection reason as text: `Name: message` for errors, else its string form.
fn describe(value: &Value<'_>) -> String {
    if let Some(object) = value.as_object() {
        let name = object.get::<_, Option<String>>("name").ok().flatten();
        let message = object.get::<_, Option<String>>("message").ok().flatten();
        if let (Some(name), Some(message)) = (name, message) {
            return format!("{name}: {message}");
        }
    }
    if let Some(text) = value.as_string().and_then(|s| s.to_string().ok()) {
        return text;
    }
    let ctx = value.ctx().clone();
    ctx.json_stringify(value.clone())
        .ok()
        .flatten()
        .and_then(|s| s.to_string().ok())
        .unwrap_or_else(|| "an exception that has no text".into())
}
