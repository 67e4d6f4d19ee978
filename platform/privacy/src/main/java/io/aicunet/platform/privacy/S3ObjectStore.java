package io.aicunet.platform.privacy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object store on an S3-compatible server (the local stack's s3proxy, or any S3), through
 * the AWS SDK v2 with the JDK's HTTP client: path-style addressing, SigV4 with a static key,
 * TLS verified against a configured CA certificate (or the JVM's trust store without one).
 *
 * <p>{@link #put} streams: content shorter than one part goes up in a single request, longer
 * content as a multipart upload in parts of {@link Settings#partSizeBytes()}, read one at a
 * time, so at most one part is in memory whatever the object's size. An upload that fails
 * midway is aborted: the key keeps its previous object. The bucket is created when missing,
 * at start ({@link #ensureBucket()}) or, when the store was away then, before the first write.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    /** S3's smallest part of a multipart upload (all but the last). */
    public static final int PART_SIZE_BYTES_MIN = 5 * 1024 * 1024;
    /** A bound on what one part holds in memory. */
    public static final int PART_SIZE_BYTES_MAX = 64 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(S3ObjectStore.class);
    /** S3's bound on the parts of one upload. */
    private static final int PARTS_MAX = 10_000;

    /**
     * Where and how to reach the store. The secret is left out of {@link #toString()}.
     *
     * @param endpoint       {@code https://host:port}, path-style
     * @param region         the region requests are signed for (s3proxy accepts any)
     * @param bucket         the bucket of this deployment's objects, created when missing
     * @param caCertificate  PEM file of the CA the server's certificate must chain to; empty: the JVM's trust store
     * @param partSizeBytes  size of each part of a multipart upload, {@value #PART_SIZE_BYTES_MIN}..{@value #PART_SIZE_BYTES_MAX}
     * @param timeout        bound on connecting, on each read, and on each call with its retries
     */
    public record Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey,
                           Optional<Path> caCertificate, int partSizeBytes, Duration timeout) {
        public Settings {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                throw new IllegalArgumentException("object store endpoint is not an absolute URL: " + endpoint);
            }
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("object store region is empty");
            }
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("not an S3 bucket name: " + bucket);
            }
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                throw new IllegalArgumentException("object store access key or secret key is empty");
            }
            Objects.requireNonNull(caCertificate, "caCertificate");
            if (partSizeBytes < PART_SIZE_BYTES_MIN || partSizeBytes > PART_SIZE_BYTES_MAX) {
                throw new IllegalArgumentException("object store part size must be " + PART_SIZE_BYTES_MIN + ".."
                        + PART_SIZE_BYTES_MAX + " bytes, not " + partSizeBytes);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("object store timeout must be positive, not " + timeout);
            }
        }

        @Override
        public String toString() {
            return "S3 " + endpoint + " bucket " + bucket + " (access key " + accessKey + ")";
        }
    }

    private final Settings settings;
    private final S3Client client;
    /** Set once the bucket is known to exist: writes before that create it first. */
    private volatile boolean bucketReady;

    private S3ObjectStore(Settings settings, S3Client client) {
        this.settings = settings;
        this.client = client;
    }

    /** A client for the store; connects nothing yet (an unreachable store is found at the first call). */
    public static S3ObjectStore open(Settings settings) {
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.timeout())
                .socketTimeout(settings.timeout());
        if (settings.caCertificate().isPresent()) {
            TrustManager[] trust = trustManagers(settings.caCertificate().get());
            http.tlsTrustManagersProvider(() -> trust);
        }
        S3Client client = S3Client.builder()
                .endpointOverride(settings.endpoint())
                .region(Region.of(settings.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .httpClient(http.build())
                // Checksums only where S3 requires them: S3-compatible servers differ in the
                // newer trailing checksums; the SHA-256 this store reports is its own.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(override -> override.apiCallTimeout(settings.timeout().multipliedBy(3)))
                .build();
        return new S3ObjectStore(settings, client);
    }

    public Settings settings() {
        return settings;
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket() throws IOException {
        call("check bucket " + settings.bucket(), () -> {
            try {
                client.headBucket(request -> request.bucket(settings.bucket()));
            } catch (NoSuchBucketException absent) {
                createBucket();
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                createBucket();
            }
            return null;
        });
        bucketReady = true;
    }

    @Override
    public String put(String key, InputStream content) throws IOException {
        ObjectKeys.requireKey(key);
        if (!bucketReady) {
            ensureBucket();
        }
        return upload(key, content);
    }

    @Override
    public Optional<InputStream> get(String key) throws IOException {
        ObjectKeys.requireKey(key);
        return call("read " + key, () -> {
            try {
                ResponseInputStream<GetObjectResponse> stream = client.getObject(
                        request -> request.bucket(settings.bucket()).key(key));
                return Optional.<InputStream>of(stream);
            } catch (NoSuchKeyException absent) {
                return Optional.<InputStream>empty();
            }
        });
    }

    @Override
    public List<StoredObject> list(String prefix, String startAfter, int countMax) throws IOException {
        ObjectKeys.requirePrefix(prefix);
        ObjectKeys.requireCountMax(countMax);
        Objects.requireNonNull(startAfter, "startAfter");
        return call("list " + prefix, () -> {
            ListObjectsV2Response page = client.listObjectsV2(request -> {
                request.bucket(settings.bucket()).prefix(prefix).maxKeys(countMax);
                if (!startAfter.isEmpty()) {
                    request.startAfter(startAfter);
                }
            });
            List<StoredObject> found = new ArrayList<>();
            page.contents().stream().limit(countMax).forEach(object ->
                    found.add(new StoredObject(object.key(), object.size(), object.lastModified())));
            return found;
        });
    }

    @Override
    public boolean delete(String key) throws IOException {
        ObjectKeys.requireKey(key);
        return call("delete " + key, () -> {
            try {
                client.headObject(request -> request.bucket(settings.bucket()).key(key));
            } catch (NoSuchKeyException absent) {
                return false;
            }
            client.deleteObject(request -> request.bucket(settings.bucket()).key(key));
            return true;
        });
    }

    @Override
    public void close() {
        client.close();
    }

    private String upload(String key, InputStream content) throws IOException {
        MessageDigest sha256 = LocalDirectoryObjectStore.sha256();
        byte[] part = new byte[settings.partSizeBytes()];
        int length = readFully(content, part);
        if (length < part.length) {
            sha256.update(part, 0, length);
            call("write " + key, () -> client.putObject(request -> request.bucket(settings.bucket()).key(key)
                    .contentLength((long) length), RequestBody.fromInputStream(
                    new ByteArrayInputStream(part, 0, length), length)));
            return HexFormat.of().formatHex(sha256.digest());
        }
        String uploadId = call("start writing " + key, () -> client.createMultipartUpload(
                request -> request.bucket(settings.bucket()).key(key)).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partLength = length;
            while (partLength > 0) {
                if (parts.size() == PARTS_MAX) {
                    throw new IOException("object " + key + " exceeds " + PARTS_MAX + " parts of "
                            + settings.partSizeBytes() + " bytes");
                }
                sha256.update(part, 0, partLength);
                int number = parts.size() + 1;
                int size = partLength;
                String etag = call("write part " + number + " of " + key, () -> client.uploadPart(
                        request -> request.bucket(settings.bucket()).key(key).uploadId(uploadId)
                                .partNumber(number).contentLength((long) size),
                        RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, size), size)).eTag());
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                partLength = readFully(content, part);
            }
            call("finish writing " + key, () -> client.completeMultipartUpload(request -> request
                    .bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (IOException | RuntimeException e) {
            try {
                client.abortMultipartUpload(request -> request.bucket(settings.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                e.addSuppressed(abortFailed);
                LOG.warnf("could not abort the upload of %s to %s (the store drops it by its own rules): %s",
                        key, settings, abortFailed.getMessage());
            }
            throw e;
        }
    }

    private void createBucket() {
        LOG.infof("creating bucket %s on %s", settings.bucket(), settings.endpoint());
        client.createBucket(request -> request.bucket(settings.bucket()));
    }

    /** Reads until {@code buffer} is full or the stream ends; the number of bytes read. */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int total = 0;
        while (total < buffer.length) {
            int read = in.read(buffer, total, buffer.length - total);
            if (read < 0) {
                break;
            }
            total += read;
        }
        return total;
    }

    /** A call to the store, its failures as IOExceptions that say what failed, where and why. */
    private <T> T call(String what, java.util.concurrent.Callable<T> work) throws IOException {
        try {
            return work.call();
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String reason = switch (e.statusCode()) {
                case 401, 403 -> "refused the credentials or the request (" + code + ")";
                default -> "answered " + e.statusCode() + " " + code;
            };
            throw new IOException("object store " + settings + " " + reason + " to: " + what, e);
        } catch (SdkClientException e) {
            throw new IOException("object store " + settings + " unreachable to: " + what + " (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("object store " + settings + " failed to: " + what, e);
        }
    }

    private static TrustManager[] trustManagers(Path caCertificate) {
        try (InputStream pem = Files.newInputStream(caCertificate)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw new IllegalArgumentException("no certificate in " + caCertificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the object store's CA certificate " + caCertificate, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a CA certificate: " + caCertificate, e);
        }
    }
}
