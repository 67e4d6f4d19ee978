package io.aicunet.audit.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.TestLogs;
import io.aicunet.platform.auditlog.TreeHeadSignatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line an auditor runs. */
class VerifierCommandTest {

    @TempDir
    Path directory;

    /** Proves: exit 0 and an OK line for a sound export; exit 1 naming the record for a tampered one; exit 2 without keys. */
    @Test
    void exitStatusTellsTheOutcome() throws IOException {
        List<AuditRecord> log = TestLogs.log(UUID.randomUUID(), 12);
        Path export = directory.resolve("export.jsonl");
        Files.write(export, TestLogs.export(log, 1, 12, 12, 5), StandardCharsets.UTF_8);
        Path keys = directory.resolve("keys.txt");
        Files.writeString(keys, "# trusted keys\n" + TestLogs.KEY_ID + " "
                + TreeHeadSignatures.encode(TestLogs.KEYS.getPublic()) + "\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = VerifierCommand.run(new String[] {"verify", export.toString(), "--keys", keys.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: ");

        List<String> lines = new ArrayList<>(Files.readAllLines(export));
        lines.replaceAll(l -> l.contains("\"sequence\":4,") && l.contains("\"type\":\"record\"")
                ? l.replace("\"outcome\":\"success\"", "\"outcome\":\"failure\"") : l);
        Files.write(export, lines, StandardCharsets.UTF_8);
        out.reset();
        status = VerifierCommand.run(new String[] {"verify", export.toString(), "--key",
                TestLogs.KEY_ID + "=" + TreeHeadSignatures.encode(TestLogs.KEYS.getPublic())},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("RECORD_ALTERED (record 4)");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(VerifierCommand.run(new String[] {"verify", export.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
    }
}
