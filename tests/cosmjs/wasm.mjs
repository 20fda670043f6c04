// Unmodified CosmJS against the chain's CosmWasm hosting: upload the counter test contract
// (contracts/counter), instantiate it, execute `increment`, query it, read code and contract
// info back, and check every answer.
// Usage: RPC=http://127.0.0.1:26657 MNEMONIC="..." WASM=contracts/artifacts/counter.wasm node wasm.mjs
// Prints one JSON line with what it observed; exits non-zero on any failure or mismatch.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";

const { RPC, MNEMONIC, WASM } = process.env;
const problems = [];
const check = (ok, what) => {
  if (!ok) problems.push(what);
};

// Field 1 (bytes) of a protobuf message, e.g. MsgExecuteContractResponse.data.
function protoField1(bytes) {
  let i = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (i >= bytes.length) throw new Error("truncated varint");
      const b = bytes[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  let found;
  while (i < bytes.length) {
    const key = varint();
    const wire = Number(key & 7n);
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = Number(varint());
      if (key >> 3n === 1n) found = bytes.slice(i, i + len);
      i += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return found;
}

const eventTypes = (events) => [...new Set(events.map((e) => e.type))];
const attr = (events, type, key) =>
  events.filter((e) => e.type === type).flatMap((e) => e.attributes).find((a) => a.key === key)?.value;

const wasm = readFileSync(WASM);
const localChecksum = createHash("sha256").update(wasm).digest("hex");

const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "infer" });
const [{ address: from }] = await wallet.getAccounts();
const client = await SigningCosmWasmClient.connectWithSigner(RPC, wallet, {
  gasPrice: GasPrice.fromString("0.025uspec"),
});

// store code
const upload = await client.upload(from, wasm, "auto", "cosmjs wasm test");
const { codeId } = upload;
check(Number.isInteger(codeId) && codeId > 0, `codeId ${codeId}`);
check(upload.checksum === localChecksum, `upload checksum ${upload.checksum} != ${localChecksum}`);
const details = await client.getCodeDetails(codeId);
check(details.id === codeId, `getCodeDetails id ${details.id}`);
check(details.checksum.toLowerCase() === localChecksum, `code checksum ${details.checksum} != ${localChecksum}`);
check(details.creator === from, `code creator ${details.creator}`);
check(Buffer.from(details.data).equals(wasm), "code bytes differ from the uploaded file");
const codes = await client.getCodes();
const listed = codes.find((c) => c.id === codeId);
check(listed !== undefined, `code ${codeId} not in getCodes()`);
check(listed?.checksum.toLowerCase() === localChecksum, `getCodes checksum ${listed?.checksum}`);

// instantiate
const label = "cosmjs-counter";
const inst = await client.instantiate(from, codeId, { count: 5 }, label, "auto", { admin: from });
const { contractAddress } = inst;
check(typeof contractAddress === "string" && contractAddress.startsWith("infer1"), `address ${contractAddress}`);
const contract = await client.getContract(contractAddress);
check(contract.address === contractAddress, `contract address ${contract.address}`);
check(contract.codeId === codeId, `contract codeId ${contract.codeId}`);
check(contract.creator === from, `contract creator ${contract.creator}`);
check(contract.admin === from, `contract admin ${contract.admin}`);
check(contract.label === label, `contract label ${contract.label}`);

// query, execute, query
const before = await client.queryContractSmart(contractAddress, { count: {} });
check(before?.count === 5, `count before ${JSON.stringify(before)}`);
const exec = await client.execute(from, contractAddress, { increment: {} }, "auto", "cosmjs wasm test");
const after = await client.queryContractSmart(contractAddress, { count: {} });
check(after?.count === 6, `count after ${JSON.stringify(after)}`);
const owner = await client.queryContractSmart(contractAddress, { owner: {} });
check(owner?.owner === from, `owner ${JSON.stringify(owner)}`);
const types = eventTypes(exec.events);
check(types.includes("execute"), `no execute event: ${types}`);
check(attr(exec.events, "execute", "_contract_address") === contractAddress, "execute event's _contract_address");
check(attr(exec.events, "wasm", "action") === "increment", "wasm event's action");
check(attr(exec.events, "wasm-counter", "count") === "6", "wasm-counter event's count");
check(attr(exec.events, "wasm-counter", "_contract_address") === contractAddress, "wasm-counter event's _contract_address");

// the contract's response data (the new count as JSON) in the tx's MsgExecuteContractResponse
const tx = await client.getTx(exec.transactionHash);
const response = tx?.msgResponses?.[0];
check(response?.typeUrl === "/cosmwasm.wasm.v1.MsgExecuteContractResponse", `msgResponses[0] ${response?.typeUrl}`);
const data = response ? protoField1(response.value) : undefined;
const executeData = data ? Buffer.from(data).toString("utf8") : null;
check(executeData === "6", `execute data ${executeData}`);

console.log(JSON.stringify({
  codeId, checksum: localChecksum, uploadChecksum: upload.checksum, codeCount: codes.length,
  originalSize: upload.originalSize, compressedSize: upload.compressedSize,
  contractAddress, countBefore: before?.count, countAfter: after?.count,
  contract: { codeId: contract.codeId, creator: contract.creator, admin: contract.admin, label: contract.label },
  execute: {
    txHash: exec.transactionHash, height: exec.height, logs: exec.logs.length,
    logEventTypes: exec.logs.flatMap((l) => eventTypes(l.events)), eventTypes: types, data: executeData,
  },
  gasUsed: { upload: upload.gasUsed, instantiate: inst.gasUsed, execute: exec.gasUsed },
  gasWanted: { upload: upload.gasWanted, instantiate: inst.gasWanted, execute: exec.gasWanted },
  problems,
}, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
if (problems.length) process.exit(1);
