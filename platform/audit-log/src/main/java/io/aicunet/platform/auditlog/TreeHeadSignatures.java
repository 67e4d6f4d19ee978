package io.aicunet.platform.auditlog;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** Ed25519 signing and checking of tree heads, with keys spelled as base64 (PKCS#8 private, X.509 public). */
public final class TreeHeadSignatures {

    private static final String ALGORITHM = "Ed25519";

    private TreeHeadSignatures() {
    }

    public static SignedTreeHead sign(PrivateKey key, String keyId, UUID tenantId, long treeSize, byte[] rootHash,
                                      Instant issuedAt) {
        Instant at = RecordEncoding.truncate(issuedAt);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(SignedTreeHead.signedBytes(tenantId, treeSize, rootHash, at, keyId));
            return new SignedTreeHead(tenantId, treeSize, rootHash, at, keyId, signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519 key " + keyId, e);
        }
    }

    /** True when the head's signature is valid for {@code key}. */
    public static boolean verify(PublicKey key, SignedTreeHead head) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(head.signedBytes());
            return verifier.verify(head.signature());
        } catch (java.security.SignatureException malformed) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify with Ed25519", e);
        }
    }

    /** The public key spelled as base64 of its X.509 SubjectPublicKeyInfo. */
    public static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 X.509 Ed25519 public key", e);
        }
    }

    /** The private key spelled as base64 of its PKCS#8 encoding. */
    public static PrivateKey privateKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 PKCS#8 Ed25519 private key", e);
        }
    }

    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String encode(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM since 15 has Ed25519", e);
        }
    }
}
