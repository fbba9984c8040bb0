"""The certificate the proxy shows for every host it impersonates, and the bundle that trusts it.

The record build of azd skips TLS verification (`InsecureSkipVerify` in `cmd/deps_record.go`), so
any certificate does for azd. The wizard's own clients (the Azure SDK on `requests`, urllib for
the HTTP probes) do verify: the certificate names every host of the cassette (and the hosts azd's
recorder passes through), is its own CA, and its PEM goes to `REQUESTS_CA_BUNDLE` /
`SSL_CERT_FILE`. The server context offers no ALPN protocol, so Go speaks HTTP/1.1 in the tunnel.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Certificate:
    cert_pem: bytes
    key_pem: bytes


@functools.cache
def certificate_for(hosts: frozenset[str]) -> Certificate:
    """A self-signed CA certificate valid for `hosts` (and localhost), made once per host set."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deploy-wizard replay proxy")])
    now = datetime.datetime.now(datetime.UTC)
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in sorted(hosts | {"localhost"})]
    names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=False,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Certificate(certificate.public_bytes(serialization.Encoding.PEM), key_pem)


def server_context(certificate: Certificate) -> ssl.SSLContext:
    """A TLS server context with the proxy's certificate; HTTP/1.1 only (no ALPN offered)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="replay-tls-") as folder:
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_file.write_bytes(certificate.cert_pem)
        key_file.write_bytes(certificate.key_pem)
        context.load_cert_chain(cert_file, key_file)
    return context
