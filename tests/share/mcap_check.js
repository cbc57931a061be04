// Reads an MCAP file with the MCAP project's own reader (@mcap/core's McapStreamReader, CRCs
// of every chunk validated) and compares it with the recording's JSON lines (`evtape cat`):
// every frame is a message, in order, on the channel of its subject, at its receive time,
// with its payload; every gap is an "evtape.gap" metadata record; the Data End CRC matches the
// data section (computed with @foxglove/crc, the CRC the MCAP reader uses).
//   node mcap_check.js FILE.mcap CAT.jsonl
"use strict";
const fs = require("fs");
const assert = require("assert");
const { McapStreamReader } = require("@mcap/core");
const { crc32 } = require("@foxglove/crc");

const [file, jsonl] = process.argv.slice(2);
const bytes = fs.readFileSync(file);
const lines = fs.readFileSync(jsonl, "utf8").split("\n").filter((l) => l).map((l) => JSON.parse(l));
const frames = lines.filter((l) => !l.gap);
const gaps = lines.filter((l) => l.gap).map((l) => l.gap);

function ns(rfc3339) {  // "2026-07-30T14:00:00.032024732Z" -> BigInt nanoseconds
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(rfc3339);
  const frac = (m[2] || "").padEnd(9, "0");
  return BigInt(Date.parse(m[1] + "Z")) * 1000000n + BigInt(frac);
}

const reader = new McapStreamReader({ validateCrcs: true });
reader.append(bytes);
const channels = new Map();
const messages = [];
const metadata = [];
let header, dataEnd, footer, dataEndOffset;
for (let record; (record = reader.nextRecord()); ) {
  if (record.type === "Header") header = record;
  if (record.type === "Channel") channels.set(record.id, record);
  if (record.type === "Message") messages.push(record);
  if (record.type === "Metadata") metadata.push(record);
  if (record.type === "DataEnd") dataEnd = record;
  if (record.type === "Footer") footer = record;
}
assert.ok(reader.done(), "the reader did not reach the end magic");
assert.ok(header && header.library.startsWith("evtape "), "header names evtape");
assert.ok(dataEnd && footer, "Data End and Footer records present");

// The Data End record sits right before the footer (9 + 4 bytes), footer 9 + 20, magic 8.
dataEndOffset = bytes.length - 8 - 29 - 13;
assert.strictEqual(bytes[dataEndOffset], 0x0f, "Data End opcode where expected");
assert.strictEqual(dataEnd.dataSectionCrc, crc32(bytes.subarray(0, dataEndOffset)), "data section CRC");

assert.strictEqual(messages.length, frames.length, "one message per frame");
messages.forEach((m, i) => {
  const f = frames[i];
  const ch = channels.get(m.channelId);
  assert.ok(ch, `message ${i}: unknown channel ${m.channelId}`);
  assert.strictEqual(ch.topic, f.subject, `message ${i}: topic`);
  assert.strictEqual(m.logTime, ns(f.time), `message ${i}: log time`);
  assert.strictEqual(m.publishTime, m.logTime, `message ${i}: publish time`);
  assert.strictEqual(m.sequence, f.seq, `message ${i}: sequence`);
  const data = Buffer.from(m.data);
  if ("payload" in f) {
    assert.strictEqual(ch.messageEncoding, "json", `message ${i}: encoding`);
    assert.deepStrictEqual(JSON.parse(data.toString("utf8")), f.payload, `message ${i}: payload`);
  } else if ("payload_text" in f) {
    assert.strictEqual(data.toString("utf8"), f.payload_text, `message ${i}: payload`);
  } else if ("payload_b64" in f) {
    assert.ok(data.equals(Buffer.from(f.payload_b64, "base64")), `message ${i}: payload`);
    assert.strictEqual(ch.messageEncoding, "application/octet-stream", `message ${i}: encoding`);
  }
});

const gapRecords = metadata.filter((m) => m.name === "evtape.gap");
assert.strictEqual(gapRecords.length, gaps.length, "one metadata record per gap");
gapRecords.forEach((g, i) => {
  assert.strictEqual(g.metadata.get("reason"), gaps[i].reason, `gap ${i}: reason`);
  assert.strictEqual(g.metadata.get("start"), gaps[i].start, `gap ${i}: start`);
  assert.strictEqual(g.metadata.get("end"), gaps[i].end, `gap ${i}: end`);
  assert.strictEqual(g.metadata.get("lost"), gaps[i].count === null ? "unknown" : String(gaps[i].count));
});
const topics = new Set([...channels.values()].map((c) => c.topic));
console.log(`ok: ${messages.length} messages on ${channels.size} channels (${topics.size} subjects), ` +
            `${gapRecords.length} gaps, CRCs valid`);
