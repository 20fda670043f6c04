// Unmodified CosmJS: connect, read a balance, send tokens with gas "auto", check the result.
// Usage: RPC=http://127.0.0.1:26657 MNEMONIC="..." TO=infer1... node bank.mjs
// Prints one JSON line with what it observed; exits non-zero on any failure.
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";

const { RPC, MNEMONIC, TO } = process.env;
const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: "infer" });
const [{ address: from }] = await wallet.getAccounts();

const reader = await StargateClient.connect(RPC);
const chainId = await reader.getChainId();
const height = await reader.getHeight();
const before = await reader.getBalance(TO, "uspec");
const account = await reader.getAccount(from);

const client = await SigningStargateClient.connectWithSigner(RPC, wallet, {
  gasPrice: GasPrice.fromString("0.025uspec"),
});
const result = await client.sendTokens(from, TO, [{ denom: "uspec", amount: "777" }], "auto", "cosmjs test");
const after = await reader.getBalance(TO, "uspec");

console.log(JSON.stringify({
  chainId, height, from, accountNumber: account?.accountNumber,
  before: before.amount, after: after.amount,
  code: result.code, txHash: result.transactionHash, gasUsed: String(result.gasUsed),
  gasWanted: String(result.gasWanted), resultHeight: result.height,
}, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
if (result.code !== 0) process.exit(1);
