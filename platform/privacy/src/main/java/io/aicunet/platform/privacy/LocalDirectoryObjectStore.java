package io.aicunet.platform.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An object store in a local directory. Objects are written to a temporary file and
 * moved into place, so a reader never sees half an object.
 */
public final class LocalDirectoryObjectStore implements ObjectStore {

    private static final Pattern KEY = Pattern.compile("[a-z0-9_][a-z0-9_./-]{0,510}");

    private final Path root;

    public LocalDirectoryObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String put(String key, InputStream content) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), ".partial-", ".tmp");
        MessageDigest sha256 = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha256)) {
            content.transferTo(out);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        Path source = resolve(key);
        return Files.isRegularFile(source) ? Optional.of(Files.readAllBytes(source)) : Optional.empty();
    }

    /** SHA-256 in hex of some bytes, as {@link #put} reports it. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private Path resolve(String key) {
        if (!KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not an object key: " + key);
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("object key leaves the store: " + key);
        }
        return path;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
