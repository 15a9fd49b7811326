"""Custom key stores are not simulated: creating one says so; there are none to act on."""
from .conftest import error_of


def test_custom_key_stores(kms):
    code, message, _ = error_of(kms.create_custom_key_store, CustomKeyStoreName="hsm", CloudHsmClusterId="cluster-234abcdefABCD",
                                TrustAnchorCertificate="cert", KeyStorePassword="password1")
    assert code == "UnsupportedOperationException" and "not simulated" in message
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []
    for call in (kms.connect_custom_key_store, kms.disconnect_custom_key_store, kms.delete_custom_key_store):
        assert error_of(call, CustomKeyStoreId="cks-1234567890abcdef0")[0] == "CustomKeyStoreNotFoundException"
    assert error_of(kms.update_custom_key_store, CustomKeyStoreId="cks-1234567890abcdef0", NewCustomKeyStoreName="n")[0] == "CustomKeyStoreNotFoundException"
    assert error_of(kms.describe_custom_key_stores, CustomKeyStoreName="hsm")[0] == "CustomKeyStoreNotFoundException"
    assert error_of(kms.generate_random, NumberOfBytes=8, CustomKeyStoreId="cks-1234567890abcdef0")[0] == "CustomKeyStoreNotFoundException"


def test_every_kms_operation_has_a_handler():
    import botocore.session

    from services.kms import kms

    model = botocore.session.get_session().get_service_model("kms")
    assert sorted(kms.implemented()) == sorted(model.operation_names)
