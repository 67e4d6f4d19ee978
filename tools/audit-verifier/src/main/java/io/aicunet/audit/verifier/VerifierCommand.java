package io.aicunet.audit.verifier;

import io.aicunet.platform.auditlog.ExportVerifier;
import io.aicunet.platform.auditlog.Finding;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import io.aicunet.platform.auditlog.VerificationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The auditor's command line:
 *
 * <pre>
 * java -jar audit-verifier.jar verify EXPORT.jsonl --key KEY_ID=BASE64 [--key ...] [--keys FILE]
 * </pre>
 *
 * {@code --key} names a trusted Ed25519 public key (base64 of its X.509 encoding) by
 * its id; {@code --keys} reads such keys from a file, one {@code KEY_ID BASE64} per
 * line (what {@code GET /v1/audit/keys?format=text} prints). Exit status 0 when the
 * export verifies, 1 when it does not (the first finding names the first bad record),
 * 2 on a usage error.
 */
public final class VerifierCommand {

    static final int VERIFIED = 0;
    static final int NOT_VERIFIED = 1;
    static final int USAGE = 2;

    private VerifierCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !"verify".equals(args[0])) {
            return usage(err, "expected: verify EXPORT.jsonl --key KEY_ID=BASE64 [--keys FILE]");
        }
        Path export = Path.of(args[1]);
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        try {
            for (int i = 2; i < args.length; i++) {
                if ("--key".equals(args[i]) && i + 1 < args.length) {
                    addKey(keys, args[++i], "=");
                } else if ("--keys".equals(args[i]) && i + 1 < args.length) {
                    List<String> lines = Files.readAllLines(Path.of(args[++i]), StandardCharsets.UTF_8);
                    for (String line : lines) {
                        if (!line.isBlank() && !line.startsWith("#")) {
                            addKey(keys, line.trim(), " ");
                        }
                    }
                } else {
                    return usage(err, "unknown argument " + args[i]);
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            return usage(err, e.getMessage());
        }
        if (keys.isEmpty()) {
            return usage(err, "name at least one trusted public key with --key or --keys");
        }
        try {
            long started = System.nanoTime();
            VerificationReport report = new ExportVerifier(keys).verify(export);
            out.println(report.summary());
            for (Finding finding : report.findings()) {
                out.println("  " + finding);
            }
            out.printf("verified in %.3f s%n", (System.nanoTime() - started) / 1e9);
            return report.ok() ? VERIFIED : NOT_VERIFIED;
        } catch (IOException e) {
            return usage(err, "cannot read " + export + ": " + e.getMessage());
        }
    }

    private static void addKey(Map<String, PublicKey> keys, String spec, String separator) {
        int split = spec.indexOf(separator);
        if (split < 1) {
            throw new IllegalArgumentException("a key is KEY_ID" + separator + "BASE64, not " + spec);
        }
        keys.put(spec.substring(0, split).trim(), TreeHeadSignatures.publicKey(spec.substring(split + 1)));
    }

    private static int usage(PrintStream err, String problem) {
        err.println("audit-verifier: " + problem);
        err.println("usage: java -jar audit-verifier.jar verify EXPORT.jsonl --key KEY_ID=BASE64 [--key ...]"
                + " [--keys FILE]");
        return USAGE;
    }
}
