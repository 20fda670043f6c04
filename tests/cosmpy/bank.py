"""Unmodified cosmpy (gRPC transport): read a balance and an account, send tokens with the
gas estimated by simulation, wait for the tx, and read the balance again.

Usage: GRPC=127.0.0.1:9090 CHAIN_ID=inferchain-local-1 MNEMONIC="..." TO=infer1... python bank.py
Prints one JSON line with what it observed; exits non-zero on any failure.
"""

import json
import os

from cosmpy.crypto.address import Address

from common import connect

client, wallet = connect()
to = Address(os.environ["TO"])

before = client.query_bank_balance(to, "uspec")
account = client.query_account(wallet.address())
submitted = client.send_tokens(to, 555, "uspec", wallet, memo="cosmpy test")
submitted.wait_to_complete()
response = submitted.response
after = client.query_bank_balance(to, "uspec")

print(
    json.dumps(
        {
            "chainId": client.query_chain_id(),
            "height": client.query_height(),
            "from": str(wallet.address()),
            "accountNumber": account.number,
            "sequence": account.sequence,
            "before": before,
            "after": after,
            "code": response.code,
            "txHash": submitted.tx_hash,
            "gasWanted": response.gas_wanted,
            "gasUsed": response.gas_used,
        }
    )
)
if response.code != 0:
    raise SystemExit(1)
