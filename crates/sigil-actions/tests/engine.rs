//! The engine's sandbox and limits, one behaviour per test, as Lit's nodes show them to actions.

use serde_json::{json, Map, Value};
use sigil_actions::{execute, Action, ActionError, Limits, NoHost, Outcome};
use std::rc::Rc;
use std::time::{Duration, Instant};

fn run_with(code: &str, params: Value, limits: &Limits) -> Result<Outcome, ActionError> {
    let params: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    let auth = json!({"actionIpfsIds": ["QmAction"], "authSigAddress": "0xabc", "authMethodContexts": [], "resources": []});
    let action = Action {
        code,
        js_params: &params,
        auth: &auth,
        headers: &json!({"x-request-id": "lit_test"}),
    };
    execute(&action, limits, Rc::new(NoHost))
}

fn run(code: &str) -> Result<Outcome, ActionError> {
    run_with(code, json!({}), &Limits::default())
}

#[test]
fn an_action_sets_its_response_logs_and_reads_its_params_and_auth() {
    let outcome = run_with(
        r#"
        console.log("hello", 42, {a: [1, "x"]});
        console.error(new Error("shown"));
        Lit.Actions.setResponse({response: JSON.stringify({
            sum: a + b, who: Lit.Auth.authSigAddress, ids: LitAuth.actionIpfsIds, same: LitActions === Lit.Actions,
        })});
        "#,
        json!({"a": 2, "b": 3}),
        &Limits::default(),
    )
    .expect("runs");
    assert_eq!(
        outcome.response,
        r#"{"sum":5,"who":"0xabc","ids":["QmAction"],"same":true}"#
    );
    assert_eq!(outcome.logs, "hello 42 {\"a\":[1,\"x\"]}\nError: shown\n");
}

#[test]
fn an_async_action_finishes_its_promises_and_the_last_response_wins() {
    let outcome = run(r#"
        const go = async () => {
            Lit.Actions.setResponse({response: "first"});
            const x = await Promise.resolve(41);
            await null;
            Lit.Actions.setResponse({response: String(x + 1)});
        };
        go();
        "#)
    .expect("runs");
    assert_eq!(outcome.response, "42");
    // No response at all is the empty string; a promise that never settles ends the run.
    assert_eq!(run("new Promise(() => {});").expect("runs").response, "");
}

#[test]
fn a_busy_loop_is_stopped_at_the_timeout_with_its_logs() {
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let started = Instant::now();
    let error = run_with(
        r#"console.log("before"); while (true) {}"#,
        json!({}),
        &limits,
    )
    .expect_err("stopped");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, ActionError::Timeout { .. }), "{error:?}");
    assert_eq!(error.logs(), "before\n");
    assert_eq!(
        error.to_string(),
        "Your function exceeded the maximum runtime of 300ms and was terminated."
    );
    // Inside a promise job too, and a catch cannot keep it running.
    let error = run_with(
        r#"(async () => { await null; try { while (true) {} } catch (e) { while (true) {} } })();"#,
        json!({}),
        &limits,
    )
    .expect_err("stopped");
    assert!(matches!(error, ActionError::Timeout { .. }), "{error:?}");
}

#[test]
fn a_memory_bomb_is_stopped() {
    let limits = Limits {
        memory_bytes: 32 * 1024 * 1024,
        ..Limits::default()
    };
    let error = run_with(
        r#"console.log("start"); const a = []; while (true) { a.push("x".repeat(1 << 16) + a.length); }"#,
        json!({}),
        &limits,
    )
    .expect_err("stopped");
    assert!(
        matches!(error, ActionError::MemoryLimit { .. }),
        "{error:?}"
    );
    assert_eq!(error.logs(), "start\n");
}

#[test]
fn no_code_from_strings_by_any_path() {
    let outcome = run(
        r#"
        const attempts = {
            eval: () => eval("1"),
            indirectEval: () => (0, globalThis.eval)("1"),
            Function: () => new Function("return 1")(),
            viaPrototype: () => (function () {}).constructor("return 1")(),
            async: () => (async function () {}).constructor("return 1"),
            generator: () => (function* () {}).constructor("yield 1"),
            asyncGenerator: () => (async function* () {}).constructor("yield 1"),
        };
        const refused = Object.entries(attempts)
            .filter(([, attempt]) => { try { attempt(); return false; } catch (e) { return true; } })
            .map(([name]) => name);
        Lit.Actions.setResponse({response: refused.join(",")});
        "#,
    )
    .expect("runs");
    assert_eq!(
        outcome.response,
        "eval,indirectEval,Function,viaPrototype,async,generator,asyncGenerator"
    );
    // Uncaught, it is the action's error.
    let error = run(r#"eval("1")"#).expect_err("refused");
    assert!(matches!(error, ActionError::Thrown { .. }), "{error:?}");
}

#[test]
fn a_thrown_error_a_rejected_promise_and_a_syntax_error_come_back_with_the_logs() {
    let error = run(r#"console.log("a"); throw new Error("boom");"#).expect_err("throws");
    assert_eq!(
        error,
        ActionError::Thrown {
            message: "Error: boom".into(),
            logs: "a\n".into()
        }
    );
    let error =
        run(r#"(async () => { console.log("b"); await null; throw new TypeError("late"); })();"#)
            .expect_err("rejects");
    assert_eq!(
        error,
        ActionError::Thrown {
            message: "TypeError: late".into(),
            logs: "b\n".into()
        }
    );
    // A rejection handled later is not an error.
    let outcome = run(
        r#"const p = Promise.reject(new Error("x")); p.catch(() => Lit.Actions.setResponse({response: "caught"}));"#,
    )
    .expect("handled");
    assert_eq!(outcome.response, "caught");
    let error = run("const = 1;").expect_err("syntax");
    assert!(
        matches!(&error, ActionError::Thrown { message, .. } if message.starts_with("SyntaxError")),
        "{error:?}"
    );
}

#[test]
fn responses_and_logs_and_code_are_bounded() {
    // Too long a response or too much logging throws where it happens, as on Lit: uncaught, it
    // ends the run with the logs so far; caught, the run goes on.
    let error = run(
        r#"console.log("before"); Lit.Actions.setResponse({response: "x".repeat(101 * 1024)});"#,
    )
    .expect_err("too large");
    assert_eq!(
        error,
        ActionError::Thrown {
            message: "Error: Response is too long. Max length is 102400 bytes".into(),
            logs: "before\n".into()
        }
    );
    let outcome = run(r#"
        Lit.Actions.setResponse({response: "kept"});
        try { Lit.Actions.setResponse({response: "x".repeat(102401)}); } catch (e) { console.log("caught"); }
        "#)
    .expect("runs");
    assert_eq!(
        (outcome.response.as_str(), outcome.logs.as_str()),
        ("kept", "caught\n")
    );
    let limits = Limits {
        log_bytes: 10,
        ..Limits::default()
    };
    let error = run_with(
        r#"console.log("12345"); console.log("6789012"); Lit.Actions.setResponse({response: "done"});"#,
        json!({}),
        &limits,
    )
    .expect_err("too much logging");
    assert_eq!(
        error,
        ActionError::Thrown {
            message: "Error: Console.log is printing something that is too long. Max length for all logs in a single request is 10 bytes".into(),
            logs: "12345\n".into()
        }
    );
    let limits = Limits {
        code_bytes: 8,
        ..Limits::default()
    };
    assert!(matches!(
        run_with("let abcdefgh = 1;", json!({}), &limits),
        Err(ActionError::CodeTooLarge { len: 17, limit: 8 })
    ));
}

#[test]
fn the_lit_globals_are_frozen_and_runs_share_nothing() {
    let outcome = run(
        r#"
        Lit.Actions.setResponse = () => {};
        LitAuth.authSigAddress = "0xevil";
        globalThis.leftBehind = 1;
        Lit.Actions.setResponse({response: [Object.isFrozen(Lit.Actions), Object.isFrozen(Lit.Auth), LitAuth.authSigAddress].join()});
        "#,
    )
    .expect("runs");
    assert_eq!(outcome.response, "true,true,0xabc");
    let outcome = run(r#"Lit.Actions.setResponse({response: typeof leftBehind});"#).expect("runs");
    assert_eq!(outcome.response, "undefined");
}

/// A host that records what the action asks and answers from a script.
#[derive(Default)]
struct RecordingHost {
    calls: std::cell::RefCell<Vec<(String, Value)>>,
}

impl sigil_actions::Host for RecordingHost {
    fn call(&self, op: &str, args: Value, _: Instant) -> Result<Value, String> {
        self.calls.borrow_mut().push((op.to_owned(), args.clone()));
        match op {
            "signEcdsa" | "ethPersonalSignMessageEcdsa" => Ok(json!("success")),
            "getRpcUrl" => Ok(json!("http://127.0.0.1:8545")),
            "fetch" => Ok(json!({
                "url": args["url"], "status": 201, "statusText": "Created",
                "headers": [["Content-Type", "application/json"]],
                // base64 of {"echo":"<method>"}
                "body": match args["method"].as_str() {
                    Some("POST") => "eyJlY2hvIjoiUE9TVCJ9",
                    _ => "eyJlY2hvIjoiR0VUIn0=",
                },
            })),
            _ => Err(format!("{op} failed on purpose")),
        }
    }
}

fn run_hosted(code: &str, host: &Rc<RecordingHost>) -> Result<Outcome, ActionError> {
    let auth = json!({"actionIpfsIds": ["QmAction"]});
    let action = Action {
        code,
        js_params: &Map::new(),
        auth: &auth,
        headers: &json!({}),
    };
    execute(
        &action,
        &Limits::default(),
        Rc::clone(host) as Rc<dyn sigil_actions::Host>,
    )
}

#[test]
fn node_operations_go_to_the_host_with_their_bytes_and_its_errors_reject() {
    let host = Rc::new(RecordingHost::default());
    let outcome = run_hosted(
        r#"
        (async () => {
            const a = await Lit.Actions.signEcdsa({toSign: new Uint8Array([1, 2, 255]), publicKey: "0x04ab", sigName: "s1"});
            const b = await LitActions.ethPersonalSignMessageEcdsa({message: "hé", publicKey: "0x04ab", sigName: "s2"});
            const url = await Lit.Actions.getRpcUrl({chain: "ethereum"});
            let failed = "";
            try { await Lit.Actions.claimKey({keyId: "k"}); } catch (e) { failed = String(e); }
            Lit.Actions.setResponse({response: [a, b, url, failed].join("|")});
        })();
        "#,
        &host,
    )
    .expect("runs");
    assert_eq!(
        outcome.response,
        "success|success|http://127.0.0.1:8545|Error: claimKey failed on purpose"
    );
    let calls = host.calls.borrow();
    assert_eq!(
        calls[0],
        (
            "signEcdsa".into(),
            json!({"toSign": [1, 2, 255], "publicKey": "0x04ab", "sigName": "s1"})
        )
    );
    // The message goes as its UTF-8 bytes; the node hashes it the EIP-191 way.
    assert_eq!(calls[1].1["toSign"], json!([104, 195, 169]));
    assert_eq!(calls.len(), 4);
}

#[test]
fn an_action_may_sign_ten_times_and_the_eleventh_is_refused() {
    let host = Rc::new(RecordingHost::default());
    let error = run_hosted(
        r#"
        (async () => {
            for (let i = 0; i < 11; i++) {
                await Lit.Actions.signEcdsa({toSign: [i], publicKey: "0x04", sigName: "s" + i});
            }
        })();
        "#,
        &host,
    )
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "Error: You may not sign more than 10 times per session and you have attempted to exceed that limit."
    );
    assert_eq!(host.calls.borrow().len(), 10);
}

#[test]
fn text_and_base64_helpers_behave_as_the_web_apis() {
    let outcome = run(r#"
        const bytes = new TextEncoder().encode("a€😀");
        const back = new TextDecoder().decode(bytes);
        const b64 = btoa("\u0000\u00ffhi");
        let refused = "";
        try { btoa("€"); } catch (e) { refused = e.name; }
        Lit.Actions.setResponse({response: JSON.stringify({
            bytes: Array.from(bytes), instance: bytes instanceof Uint8Array, back, b64,
            atob: Array.from(atob(b64)).map((c) => c.charCodeAt(0)), refused,
            hex: Lit.Actions.uint8arrayToString(new Uint8Array([0, 171]), "base16"),
            fromB64: Array.from(Uint8arrays.fromString("+/8", "base64")),
            utf8: Uint8arrays.toString(Lit.Actions.uint8arrayFromString("ok")),
        })});
    "#)
    .expect("runs");
    let value: Value = serde_json::from_str(&outcome.response).expect("json");
    assert_eq!(
        value,
        json!({
            "bytes": [97, 226, 130, 172, 240, 159, 152, 128], "instance": true, "back": "a€😀",
            "b64": "AP9oaQ==", "atob": [0, 255, 104, 105], "refused": "InvalidCharacterError",
            "hex": "00ab", "fromB64": [251, 255], "utf8": "ok",
        })
    );
}

#[test]
fn a_token_id_is_computed_in_the_engine() {
    let outcome = run(r#"
        Lit.Actions.pubkeyToTokenId({publicKey: "0x"}).then((id) => Lit.Actions.setResponse({response: id}));
    "#)
    .expect("runs");
    assert_eq!(
        outcome.response,
        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    );
}

#[test]
fn timers_run_in_order_at_their_time_and_a_pending_one_past_the_deadline_times_out() {
    let started = Instant::now();
    let outcome = run(r#"
        const order = [];
        setTimeout(() => order.push("b"), 60);
        const cleared = setTimeout(() => order.push("never"), 10);
        clearTimeout(cleared);
        setTimeout((x) => order.push(x), 0, "a");
        (async () => {
            await new Promise((resolve) => setTimeout(resolve, 120));
            order.push("c");
            let ticks = 0;
            await new Promise((resolve) => {
                const id = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(id); resolve(); } }, 5);
            });
            Lit.Actions.setResponse({response: order.join("") + ticks});
        })();
    "#)
    .expect("runs");
    assert_eq!(outcome.response, "abc3");
    assert!(started.elapsed() >= Duration::from_millis(120));

    let limits = Limits {
        timeout: Duration::from_millis(200),
        ..Limits::default()
    };
    let error = run_with(
        r#"console.log("waiting"); setTimeout(() => {}, 10000);"#,
        json!({}),
        &limits,
    )
    .expect_err("times out");
    assert!(
        matches!(&error, ActionError::Timeout { logs, .. } if logs == "waiting\n"),
        "{error:?}"
    );
    // A timer callback that throws ends the run with its error.
    let error =
        run(r#"setTimeout(() => { throw new TypeError("late"); }, 1);"#).expect_err("throws");
    assert_eq!(error.to_string(), "TypeError: late");
}

#[test]
fn fetch_goes_to_the_host_and_answers_a_response() {
    let host = Rc::new(RecordingHost::default());
    let outcome = run_hosted(
        r#"
        (async () => {
            const got = await fetch("https://example.org/a", {headers: {"X-Key": "1"}});
            const posted = await fetch("https://example.org/b", {method: "post", body: "hi"});
            Lit.Actions.setResponse({response: JSON.stringify({
                status: got.status, ok: got.ok, type: got.headers.get("content-type"),
                get: await got.json(), post: await posted.text(),
            })});
        })();
        "#,
        &host,
    )
    .expect("runs");
    assert_eq!(
        serde_json::from_str::<Value>(&outcome.response).expect("json"),
        json!({"status": 201, "ok": true, "type": "application/json",
            "get": {"echo": "GET"}, "post": "{\"echo\":\"POST\"}"})
    );
    let calls = host.calls.borrow();
    assert_eq!(
        calls[0].1,
        json!({"url": "https://example.org/a", "method": "GET", "headers": [["X-Key", "1"]], "body": null})
    );
    assert_eq!(calls[1].1["body"], "hi");
}

#[test]
fn an_action_may_fetch_fifty_times() {
    let host = Rc::new(RecordingHost::default());
    let error = run_hosted(
        r#"(async () => { for (let i = 0; i < 51; i++) await fetch("https://example.org/" + i); })();"#,
        &host,
    )
    .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("You may not send more than 50 HTTP requests"),
        "{error}"
    );
    assert_eq!(host.calls.borrow().len(), 50);
}

#[test]
fn crypto_and_lit_headers_are_there() {
    let outcome = run(r#"
        (async () => {
            const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc")));
            const random = crypto.getRandomValues(new Uint8Array(16));
            Lit.Actions.setResponse({response: JSON.stringify({
                digest: Array.from(digest.slice(0, 4)), randomLength: random.length,
                uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
                requestId: Lit.Headers["x-request-id"], frozen: Object.isFrozen(Lit.Headers),
            })});
        })();
    "#)
    .expect("runs");
    assert_eq!(
        serde_json::from_str::<Value>(&outcome.response).expect("json"),
        // sha256("abc") begins ba 78 16 bf.
        json!({"digest": [0xba, 0x78, 0x16, 0xbf], "randomLength": 16, "uuid": true,
            "requestId": "lit_test", "frozen": true})
    );
}

#[test]
fn ethers_loads_when_touched_and_signs_and_recovers_with_the_native_curve() {
    let outcome = run(r#"
        const wallet = new ethers.Wallet("0x" + "11".repeat(32));
        (async () => {
            const signature = await wallet.signMessage("hello");
            const digest = ethers.utils.keccak256(ethers.utils.toUtf8Bytes("raw"));
            const raw = wallet._signingKey().signDigest(digest);
            const tx = await wallet.signTransaction({to: "0x" + "22".repeat(20), value: 1, nonce: 0, gasLimit: 21000, gasPrice: 1, chainId: 1});
            Lit.Actions.setResponse({response: JSON.stringify({
                address: wallet.address,
                recovered: ethers.utils.verifyMessage("hello", signature),
                rawRecovered: ethers.utils.recoverAddress(digest, raw),
                txFrom: ethers.utils.parseTransaction(tx).from,
                compressed: ethers.utils.computePublicKey(wallet.publicKey, true).length,
                shared: new ethers.utils.SigningKey("0x" + "11".repeat(32)).computeSharedSecret(
                    new ethers.utils.SigningKey("0x" + "33".repeat(32)).publicKey) ===
                    new ethers.utils.SigningKey("0x" + "33".repeat(32)).computeSharedSecret(wallet.publicKey),
                frozen: Object.getOwnPropertyDescriptor(globalThis, "ethers").writable,
                emptyKeccak: ethers.utils.keccak256("0x"),
                idKeccak: ethers.utils.id("hello"),
            })});
        })();
    "#)
    .expect("runs");
    let value: Value = serde_json::from_str(&outcome.response).expect("json");
    // The address of private key 0x1111…11.
    let address = "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A";
    assert_eq!(
        value,
        json!({"address": address, "recovered": address, "rawRecovered": address, "txFrom": address,
            "compressed": 68, "shared": true, "frozen": false,
            "emptyKeccak": "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
            "idKeccak": "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8"})
    );
}

#[test]
fn an_action_that_does_not_touch_ethers_does_not_load_it() {
    let outcome = run(r#"
        Lit.Actions.setResponse({response: String(Object.getOwnPropertyDescriptor(globalThis, "ethers").get !== undefined)});
    "#)
    .expect("runs");
    assert_eq!(outcome.response, "true");
}

#[test]
fn jwt_signs_verifies_and_decodes_as_jsonwebtoken() {
    let outcome = run(r#"
        const token = jwt.sign({ sub: 'lit' }, 'secret', { expiresIn: '1h', issuer: 'sigil' });
        const verified = jwt.verify(token, 'secret', { issuer: 'sigil' });
        const errors = [];
        for (const attempt of [
            () => jwt.verify(token, 'wrong'),
            () => jwt.verify(jwt.sign({ exp: 1 }, 'secret', { noTimestamp: true }), 'secret'),
            () => jwt.verify('garbage', 'secret'),
        ]) {
            try { attempt(); errors.push('none'); } catch (e) { errors.push(e.name + ': ' + e.message); }
        }
        const complete = jwt.decode(token, { complete: true });
        Lit.Actions.setResponse({ response: JSON.stringify({
            sub: verified.sub, lifetime: verified.exp - verified.iat, iss: verified.iss,
            alg: complete.header.alg, decodedSub: jwt.decode(token).sub, bad: jwt.decode('x'), errors,
        }) });
    "#)
    .expect("runs");
    assert_eq!(
        serde_json::from_str::<Value>(&outcome.response).expect("json"),
        json!({
            "sub": "lit", "lifetime": 3600, "iss": "sigil", "alg": "HS256", "decodedSub": "lit", "bad": null,
            "errors": [
                "JsonWebTokenError: invalid signature",
                "TokenExpiredError: jwt expired",
                "JsonWebTokenError: jwt malformed",
            ],
        })
    );
}

#[test]
fn jwt_signs_and_verifies_with_rsa_and_ec_pem_keys() {
    for (algorithm, private, public) in [
        (
            "RS256",
            include_str!("keys/test-rsa.pem"),
            include_str!("keys/test-rsa.pub.pem"),
        ),
        (
            "ES256",
            include_str!("keys/test-p256.pem"),
            include_str!("keys/test-p256.pub.pem"),
        ),
    ] {
        let outcome = run_with(
            r#"
            const token = jwt.sign({ sub: 'pem' }, privateKey, { algorithm });
            let wrongKind = '';
            try { jwt.verify(token, 'a shared secret', { algorithms: ['HS256'] }); } catch (e) { wrongKind = e.message; }
            Lit.Actions.setResponse({ response: JSON.stringify({
                sub: jwt.verify(token, publicKey).sub, alg: jwt.decode(token, { complete: true }).header.alg, wrongKind,
            }) });
            "#,
            json!({"privateKey": private, "publicKey": public, "algorithm": algorithm}),
            &Limits::default(),
        )
        .expect("runs");
        assert_eq!(
            serde_json::from_str::<Value>(&outcome.response).expect("json"),
            json!({"sub": "pem", "alg": algorithm, "wrongKind": "invalid algorithm"}),
            "{algorithm}"
        );
    }
}
