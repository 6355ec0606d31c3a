#!/usr/bin/env node
// A shopconform certify adapter in plain Node.js (20 or later, no npm
// packages): the baseline for SDKs written in JavaScript. It speaks the
// protocol of certify/PROTOCOL.md on stdin/stdout and sends each case's
// request with the built-in fetch, as certify.NetHTTP does in Go.
//
// To certify a real SDK, copy this file and replace callSDK with a call
// of the SDK: build its client with base_url and token, call the method
// that matches the endpoint, and report the errcode the SDK handed you
// and how (a typed error, a response field, or only an error string).
//
// stdout carries the protocol only: log with console.error (stderr),
// which the harness shows when a case fails.

import { createInterface } from "node:readline";

const PROTOCOL = "shopconform.certify/v1";

/** Writes one protocol message as one line on stdout. */
function send(msg) {
  process.stdout.write(JSON.stringify(msg) + "\n");
}

/** The body a call carries, as bytes: text, or base64 for binary bodies. */
function bodyOf(call) {
  if (call.body_base64) return Buffer.from(call.body_base64, "base64");
  if (call.body) return Buffer.from(call.body, "utf8");
  return undefined;
}

/**
 * Makes the "SDK" send the case's request and returns what its caller
 * sees: {errcode, via, detail}. Throwing means the SDK could not make the
 * call at all; the harness reports the message as the case's error.
 */
async function callSDK(call) {
  let url = call.base_url + call.endpoint;
  if (call.token) url += "?access_token=" + encodeURIComponent(call.token);
  const headers = {};
  if (call.content_type) headers["content-type"] = call.content_type;
  const body = bodyOf(call);
  // A Buffer body (never a string) keeps fetch from adding a text/plain
  // content type of its own when the case sends none.
  const resp = await fetch(url, {
    method: call.method,
    headers,
    body: body && body.length > 0 && call.method !== "GET" ? body : undefined,
  });
  const text = await resp.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${resp.status}: the answer is not JSON: ${text.slice(0, 200)}`);
  }
  if (answer !== null && typeof answer.errcode === "number") {
    return { errcode: answer.errcode, via: "response field" };
  }
  if (answer !== null && typeof answer.access_token === "string" && call.endpoint.startsWith("/cgi-bin/")) {
    return { errcode: 0, via: "response field", detail: "a token answer has no errcode" };
  }
  throw new Error(`HTTP ${resp.status}: the answer has no errcode`);
}

async function handle(msg) {
  switch (msg.type) {
    case "hello":
      if (msg.protocol !== PROTOCOL) {
        console.error(`adapter: the harness speaks ${msg.protocol}, this adapter ${PROTOCOL}`);
        process.exit(1);
      }
      send({ type: "hello", protocol: PROTOCOL, sdk: "node built-in fetch", version: process.version });
      return;
    case "call":
      try {
        const r = await callSDK(msg);
        send({ type: "result", id: msg.id, errcode: r.errcode, via: r.via, detail: r.detail ?? "" });
      } catch (err) {
        console.error(`adapter: case ${msg.id}: ${err.stack ?? err}`);
        send({ type: "result", id: msg.id, error: String(err.message ?? err) });
      }
      return;
    default:
      console.error(`adapter: unknown message type ${JSON.stringify(msg.type)}`);
  }
}

// One call at a time, in order: lines are queued and handled one after
// the other, even though handling one is asynchronous.
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();
lines.on("line", (line) => {
  if (line.trim() === "") return;
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (err) {
    console.error(`adapter: a line that is not JSON: ${line.slice(0, 200)}`);
    return;
  }
  queue = queue.then(() => handle(msg));
});
// stdin closed: the harness is done. Finish the call in progress, then exit.
lines.on("close", () => {
  queue.then(() => process.exit(0));
});
