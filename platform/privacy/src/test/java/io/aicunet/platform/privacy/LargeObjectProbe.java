package io.aicunet.platform.privacy;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Run in a JVM of its own with a small heap by {@link S3ObjectStoreTest}: writes a generated
 * object of {@code args[1]} bytes under key {@code args[0]} into the stack's object store,
 * reads it back, and prints what it wrote and read and the heap it had and used. An object
 * larger than the heap can only pass through if nothing buffers it whole.
 */
public final class LargeObjectProbe {

    private LargeObjectProbe() {
    }

    public static void main(String[] args) throws Exception {
        String key = args[0];
        long sizeBytes = Long.parseLong(args[1]);
        S3ObjectStore.Settings base = StackObjectStore.settings();
        S3ObjectStore.Settings settings = new S3ObjectStore.Settings(base.endpoint(), base.region(), base.bucket(),
                base.accessKey(), base.secretKey(), base.caCertificate(), 8 * 1024 * 1024, base.timeout());
        try (S3ObjectStore store = S3ObjectStore.open(settings)) {
            String written = store.put(key, GeneratedContent.of(sizeBytes));
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long read = 0;
            try (InputStream in = new DigestInputStream(store.get(key).orElseThrow(), sha256)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    read += n;
                }
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("written.sha256=" + written);
            System.out.println("read.sha256=" + HexFormat.of().formatHex(sha256.digest()));
            System.out.println("read.bytes=" + read);
            System.out.println("heap.max.bytes=" + Runtime.getRuntime().maxMemory());
            System.out.println("heap.peak.bytes=" + peak);
        }
    }
}
