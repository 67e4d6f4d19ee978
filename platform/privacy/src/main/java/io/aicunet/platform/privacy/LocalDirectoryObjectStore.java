package io.aicunet.platform.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An object store in a local directory (the option for a single machine or a shared
 * volume). Objects are written to a temporary file and moved into place, so a reader
 * never sees half an object.
 */
public final class LocalDirectoryObjectStore implements ObjectStore {

    private static final String PARTIAL = ".partial-";

    private final Path root;

    public LocalDirectoryObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String put(String key, InputStream content) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), PARTIAL, ".tmp");
        MessageDigest sha256 = sha256();
        try {
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha256)) {
                content.transferTo(out);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public Optional<InputStream> get(String key) throws IOException {
        Path source = resolve(key);
        try {
            return Optional.of(Files.newInputStream(source));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
    }

    @Override
    public List<StoredObject> list(String prefix, String startAfter, int countMax) throws IOException {
        ObjectKeys.requirePrefix(prefix);
        ObjectKeys.requireCountMax(countMax);
        // The deepest directory every key with this prefix lies under.
        int slash = prefix.lastIndexOf('/');
        Path base = slash < 0 ? root : root.resolve(prefix.substring(0, slash)).normalize();
        if (!base.startsWith(root) || !Files.isDirectory(base)) {
            return List.of();
        }
        List<StoredObject> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            files.filter(Files::isRegularFile)
                    .filter(path -> !path.getFileName().toString().startsWith(PARTIAL))
                    .map(path -> root.relativize(path).toString().replace('\\', '/'))
                    .filter(key -> key.startsWith(prefix) && key.compareTo(startAfter) > 0)
                    .sorted()
                    .limit(countMax)
                    .forEach(key -> found.add(describe(key)));
        }
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(resolve(key));
    }

    /** SHA-256 in hex of some bytes, as {@link #put} reports it. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private StoredObject describe(String key) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(root.resolve(key), BasicFileAttributes.class);
            return new StoredObject(key, attributes.size(), attributes.lastModifiedTime().toInstant());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the attributes of object " + key, e);
        }
    }

    private Path resolve(String key) {
        ObjectKeys.requireKey(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("object key leaves the store: " + key);
        }
        return path;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
