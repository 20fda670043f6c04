"""What both cosmpy scripts share: the network config from the environment and the wallet.

GRPC (host:port), CHAIN_ID and MNEMONIC come from the environment.
"""

import os

from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.wallet import LocalWallet


def connect():
    """A gRPC LedgerClient for the node and the wallet of MNEMONIC (prefix `infer`)."""
    config = NetworkConfig(
        chain_id=os.environ["CHAIN_ID"],
        url="grpc+http://" + os.environ["GRPC"],
        fee_minimum_gas_price=0.025,
        fee_denomination="uspec",
        staking_denomination="uspec",
    )
    client = LedgerClient(config)
    wallet = LocalWallet.from_mnemonic(os.environ["MNEMONIC"], prefix="infer")
    return client, wallet
