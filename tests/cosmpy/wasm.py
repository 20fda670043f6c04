"""Unmodified cosmpy (gRPC transport) and CosmWasm: store a contract (the code id is found
again by its checksum through the Codes query), instantiate, execute, query.

Usage: GRPC=127.0.0.1:9090 CHAIN_ID=... MNEMONIC="..." WASM=counter.wasm python wasm.py
Prints one JSON line with what it observed; exits non-zero on any failure.
"""

import json
import os

from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.contract import LedgerContract
from cosmpy.aerial.wallet import LocalWallet

config = NetworkConfig(
    chain_id=os.environ["CHAIN_ID"],
    url="grpc+http://" + os.environ["GRPC"],
    fee_minimum_gas_price=0.025,
    fee_denomination="uspec",
    staking_denomination="uspec",
)
client = LedgerClient(config)
wallet = LocalWallet.from_mnemonic(os.environ["MNEMONIC"], prefix="infer")

contract = LedgerContract(os.environ["WASM"], client)
code_id = contract.store(wallet)
# A second handle on the same file looks the code up by checksum.
found = LedgerContract(os.environ["WASM"], client).code_id
address = contract.instantiate({"count": 5}, wallet, label="cosmpy-counter")
executed = contract.execute({"increment": {}}, wallet).wait_to_complete()
count = contract.query({"count": {}})

print(
    json.dumps(
        {
            "codeId": code_id,
            "foundCodeId": found,
            "address": str(address),
            "executeCode": executed.response.code,
            "count": count,
        }
    )
)
