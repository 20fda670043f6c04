"""Unmodified cosmpy (gRPC transport) and CosmWasm: store a contract (the code id is found
again by its checksum through the Codes query), instantiate, execute, query.

Usage: GRPC=127.0.0.1:9090 CHAIN_ID=... MNEMONIC="..." WASM=counter.wasm python wasm.py
Prints one JSON line with what it observed; exits non-zero on any failure.
"""

import json
import os

from cosmpy.aerial.contract import LedgerContract

from common import connect

client, wallet = connect()

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
