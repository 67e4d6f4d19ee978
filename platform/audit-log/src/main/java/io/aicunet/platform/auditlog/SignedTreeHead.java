package io.aicunet.platform.auditlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A checkpoint: the size and root hash of a tenant's tree at a time, signed with
 * Ed25519 by the key named {@code keyId}. Rotating keys keeps old checkpoints
 * verifiable: a verifier holds every public key by id.
 */
public record SignedTreeHead(UUID tenantId, long treeSize, byte[] rootHash, Instant issuedAt, String keyId,
                             byte[] signature) {

    private static final byte[] MAGIC = "aicunet.audit.tree-head/1".getBytes(StandardCharsets.US_ASCII);

    public SignedTreeHead {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(rootHash, "rootHash");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
        if (treeSize < 0) {
            throw new IllegalArgumentException("treeSize must not be negative, was " + treeSize);
        }
        if (rootHash.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("rootHash must be 32 bytes, was " + rootHash.length);
        }
    }

    /**
     * The bytes the signature covers: "aicunet.audit.tree-head/1", tenant id (16 bytes),
     * tree size and issued-at microseconds (8 bytes each, big-endian), root hash, and
     * the key id (4-byte length, UTF-8), so a signature cannot be moved to another key's name.
     */
    public static byte[] signedBytes(UUID tenantId, long treeSize, byte[] rootHash, Instant issuedAt, String keyId) {
        byte[] key = keyId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 16 + 8 + 8 + Sha256.LENGTH + 4 + key.length);
        buffer.put(MAGIC);
        RecordEncoding.putUuid(buffer, tenantId);
        buffer.putLong(treeSize);
        buffer.putLong(RecordEncoding.micros(issuedAt));
        buffer.put(rootHash);
        buffer.putInt(key.length).put(key);
        return buffer.array();
    }

    public byte[] signedBytes() {
        return signedBytes(tenantId, treeSize, rootHash, issuedAt, keyId);
    }
}
