"""A throw-away CA and a server certificate for localhost/127.0.0.1, so clients can test ca_path and validate_certs.

Emulators of one fleet (a Portal and its federated servers) can share a CA directory, so one
ca_path verifies them all, as one enterprise CA would.
"""

from __future__ import annotations

import dataclasses
import datetime
import fcntl
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Short enough that nobody mistakes these for real certificates, long enough for any test run.
VALIDITY = datetime.timedelta(days=30)


@dataclasses.dataclass(frozen=True)
class CertificateFiles:
    ca_path: str
    cert_path: str
    key_path: str


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Notebook Server Emulator"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _write(path: str, data: bytes, private: bool = False) -> None:
    # Keys are readable by the owner only, like any private key should be.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    with os.fdopen(os.open(path, flags, 0o600 if private else 0o644), "wb") as handle:
        handle.write(data)


def _new_ca(now: datetime.datetime) -> tuple:
    # EC keys: generated in milliseconds, which keeps start-up well under the 2 s budget.
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Notebook Server Emulator CA")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return ca_key, ca_cert


def shared_ca(ca_dir: str) -> tuple:
    """(key, certificate) of the CA in ca_dir (ca.pem, ca.key), made on first use; safe for concurrent starts."""
    os.makedirs(ca_dir, exist_ok=True)
    cert_path, key_path = os.path.join(ca_dir, "ca.pem"), os.path.join(ca_dir, "ca.key")
    with open(os.path.join(ca_dir, ".lock"), "w", encoding="ascii") as lock:
        # Emulators of a fleet may start at once: only the first one makes the CA.
        fcntl.flock(lock, fcntl.LOCK_EX)
        now = datetime.datetime.now(datetime.timezone.utc)
        try:
            with open(key_path, "rb") as handle:
                ca_key = serialization.load_pem_private_key(handle.read(), password=None)
            with open(cert_path, "rb") as handle:
                ca_cert = x509.load_pem_x509_certificate(handle.read())
            if ca_cert.not_valid_after_utc - now > datetime.timedelta(days=1):
                return ca_key, ca_cert
        except (OSError, ValueError):
            pass  # none yet (or unreadable): make one
        ca_key, ca_cert = _new_ca(now)
        _write(key_path, ca_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()), private=True)
        _write(cert_path, ca_cert.public_bytes(serialization.Encoding.PEM))
    return ca_key, ca_cert


def generate_certificates(directory: str, extra_hosts: tuple = (), ca_dir: str | None = None) -> CertificateFiles:
    """Write ca.pem, server.pem (certificate + CA chain) and server.key into directory.

    With ca_dir the server certificate is signed by the CA kept there (see shared_ca), else by a new one.
    """
    os.makedirs(directory, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_before = now - datetime.timedelta(hours=1)
    ca_key, ca_cert = shared_ca(ca_dir) if ca_dir else _new_ca(now)
    ca_name = ca_cert.subject
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    server_key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
             x509.IPAddress(ipaddress.ip_address("::1"))]
    for host in extra_hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost")).issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        # Python 3.13+ verifies strictly and wants the authority key identifier.
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    files = CertificateFiles(
        ca_path=os.path.join(ca_dir or directory, "ca.pem"),
        cert_path=os.path.join(directory, "server.pem"),
        key_path=os.path.join(directory, "server.key"),
    )
    if not ca_dir:
        _write(files.ca_path, ca_pem)
    _write(files.cert_path, server_cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
    _write(files.key_path, server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()), private=True)
    return files
