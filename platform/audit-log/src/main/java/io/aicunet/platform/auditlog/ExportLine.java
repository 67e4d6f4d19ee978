package io.aicunet.platform.auditlog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One line of an export (JSON Lines, UTF-8, format {@value #FORMAT}). An export is a
 * header, the checkpoints that cover its range, the tree nodes outside its range,
 * consistency and inclusion proofs, and the records, in any order:
 *
 * <pre>
 * {"type":"header","format":"aicunet-audit-export/1","tenant_id":..,"first_sequence":..,"last_sequence":..,"tree_size":..,"exported_at":..}
 * {"type":"checkpoint","tenant_id":..,"tree_size":..,"root_hash":hex,"issued_at":..,"key_id":..,"signature":base64}
 * {"type":"node","tree_size":..,"start":..,"end":..,"hash":hex}        leaves [start, end), 0-based
 * {"type":"consistency_proof","first_size":..,"second_size":..,"path":[hex,..]}
 * {"type":"inclusion_proof","sequence":..,"tree_size":..,"path":[hex,..]}
 * {"type":"record","tenant_id":..,"sequence":..,"record_id":..,"occurred_at":..,"recorded_at":..,"origin":..,
 *  "actor":..,"action":..,"resource":..,"outcome":..,"reason":..,"correlation_id":..,"details":base64,
 *  "previous_hash":hex,"record_hash":hex[,"sealed_details":..,"details_state":..,"revealed_details":base64|null]}
 * </pre>
 *
 * Times are RFC 3339 UTC with at most microseconds. {@code tree_size} of the header
 * names the checkpoint the range is verified against; its nodes carry that tree size.
 */
public sealed interface ExportLine {

    String FORMAT = "aicunet-audit-export/1";

    /** The line as JSON, without the line break. */
    String toJson();

    record Header(UUID tenantId, long firstSequence, long lastSequence, long treeSize, Instant exportedAt)
            implements ExportLine {
        @Override
        public String toJson() {
            StringBuilder out = new StringBuilder(200).append("{\"type\":\"header\",\"format\":");
            Json.quote(out, FORMAT).append(",\"tenant_id\":\"").append(tenantId)
                    .append("\",\"first_sequence\":").append(firstSequence)
                    .append(",\"last_sequence\":").append(lastSequence)
                    .append(",\"tree_size\":").append(treeSize)
                    .append(",\"exported_at\":\"").append(exportedAt).append("\"}");
            return out.toString();
        }
    }

    record Checkpoint(SignedTreeHead head) implements ExportLine {
        @Override
        public String toJson() {
            StringBuilder out = new StringBuilder(300).append("{\"type\":\"checkpoint\",\"tenant_id\":\"")
                    .append(head.tenantId()).append("\",\"tree_size\":").append(head.treeSize())
                    .append(",\"root_hash\":\"").append(Sha256.hex(head.rootHash()))
                    .append("\",\"issued_at\":\"").append(head.issuedAt()).append("\",\"key_id\":");
            Json.quote(out, head.keyId()).append(",\"signature\":\"")
                    .append(Base64.getEncoder().encodeToString(head.signature())).append("\"}");
            return out.toString();
        }
    }

    record Node(long treeSize, NodeRange range, byte[] hash) implements ExportLine {
        @Override
        public String toJson() {
            return "{\"type\":\"node\",\"tree_size\":" + treeSize + ",\"start\":" + range.start() + ",\"end\":"
                    + range.end() + ",\"hash\":\"" + Sha256.hex(hash) + "\"}";
        }
    }

    record ConsistencyProof(long firstSize, long secondSize, List<byte[]> path) implements ExportLine {
        @Override
        public String toJson() {
            return "{\"type\":\"consistency_proof\",\"first_size\":" + firstSize + ",\"second_size\":" + secondSize
                    + ",\"path\":" + hexArray(path) + "}";
        }
    }

    record InclusionProof(long sequence, long treeSize, List<byte[]> path) implements ExportLine {
        @Override
        public String toJson() {
            return "{\"type\":\"inclusion_proof\",\"sequence\":" + sequence + ",\"tree_size\":" + treeSize
                    + ",\"path\":" + hexArray(path) + "}";
        }
    }

    /**
     * A record. For a record whose details are sealed ({@link SealedDetails}), the
     * optional members say more, none of them covered by the record hash:
     * {@code sealed_details} is the ciphertext (absent once removed), which the verifier
     * checks against the digest in {@code details}; {@code details_state} and
     * {@code revealed_details} (base64, or null when the key is gone) are what the
     * service could read when it exported, for the reader's convenience only.
     */
    record Record(AuditRecord record, String sealedDetails, String detailsState, byte[] revealedDetails)
            implements ExportLine {

        public Record(AuditRecord record) {
            this(record, null, null, null);
        }

        @Override
        public String toJson() {
            AuditRecord r = record;
            StringBuilder out = new StringBuilder(400 + r.details().length * 4 / 3);
            out.append("{\"type\":\"record\",\"tenant_id\":\"").append(r.tenantId())
                    .append("\",\"sequence\":").append(r.sequence())
                    .append(",\"record_id\":\"").append(r.recordId())
                    .append("\",\"occurred_at\":\"").append(r.occurredAt())
                    .append("\",\"recorded_at\":\"").append(r.recordedAt()).append("\",\"origin\":");
            Json.quote(out, r.origin()).append(",\"actor\":");
            Json.quote(out, r.actor()).append(",\"action\":");
            Json.quote(out, r.action()).append(",\"resource\":");
            Json.quote(out, r.resource()).append(",\"outcome\":");
            Json.quote(out, r.outcome()).append(",\"reason\":");
            Json.quote(out, r.reason()).append(",\"correlation_id\":");
            Json.quote(out, r.correlationId()).append(",\"details\":\"")
                    .append(Base64.getEncoder().encodeToString(r.details()))
                    .append("\",\"previous_hash\":\"").append(Sha256.hex(r.previousHash()))
                    .append("\",\"record_hash\":\"").append(Sha256.hex(r.recordHash())).append('"');
            if (sealedDetails != null) {
                Json.quote(out.append(",\"sealed_details\":"), sealedDetails);
            }
            if (detailsState != null) {
                Json.quote(out.append(",\"details_state\":"), detailsState);
                out.append(",\"revealed_details\":");
                if (revealedDetails == null) {
                    out.append("null");
                } else {
                    out.append('"').append(Base64.getEncoder().encodeToString(revealedDetails)).append('"');
                }
            }
            return out.append('}').toString();
        }
    }

    /** Reads one line; fails with {@link IllegalArgumentException} naming what is wrong. */
    static ExportLine parse(String line) {
        Map<String, Object> json = Json.parseObject(line);
        String type = text(json, "type");
        switch (type) {
            case "header": {
                String format = text(json, "format");
                if (!FORMAT.equals(format)) {
                    throw new IllegalArgumentException("format " + format + " is not " + FORMAT);
                }
                return new Header(uuid(json, "tenant_id"), number(json, "first_sequence"),
                        number(json, "last_sequence"), number(json, "tree_size"), instant(json, "exported_at"));
            }
            case "checkpoint":
                return new Checkpoint(new SignedTreeHead(uuid(json, "tenant_id"), number(json, "tree_size"),
                        hash(json, "root_hash"), instant(json, "issued_at"), text(json, "key_id"),
                        base64(json, "signature")));
            case "node":
                return new Node(number(json, "tree_size"), new NodeRange(number(json, "start"), number(json, "end")),
                        hash(json, "hash"));
            case "consistency_proof":
                return new ConsistencyProof(number(json, "first_size"), number(json, "second_size"),
                        hashes(json, "path"));
            case "inclusion_proof":
                return new InclusionProof(number(json, "sequence"), number(json, "tree_size"), hashes(json, "path"));
            case "record":
                return new Record(new AuditRecord(uuid(json, "tenant_id"), number(json, "sequence"),
                        uuid(json, "record_id"), instant(json, "occurred_at"), instant(json, "recorded_at"),
                        text(json, "origin"), text(json, "actor"), text(json, "action"), text(json, "resource"),
                        text(json, "outcome"), text(json, "reason"), text(json, "correlation_id"),
                        base64(json, "details"), hash(json, "previous_hash"), hash(json, "record_hash")),
                        json.get("sealed_details") == null ? null : text(json, "sealed_details"), null, null);
            default:
                throw new IllegalArgumentException("unknown line type " + type);
        }
    }

    private static String hexArray(List<byte[]> hashes) {
        StringBuilder out = new StringBuilder(hashes.size() * 67 + 2).append('[');
        for (int i = 0; i < hashes.size(); i++) {
            out.append(i == 0 ? "\"" : ",\"").append(Sha256.hex(hashes.get(i))).append('"');
        }
        return out.append(']').toString();
    }

    private static Object member(Map<String, Object> json, String name) {
        Object value = json.get(name);
        if (value == null) {
            throw new IllegalArgumentException("member " + name + " is missing");
        }
        return value;
    }

    private static String text(Map<String, Object> json, String name) {
        if (member(json, name) instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException("member " + name + " is not a string");
    }

    private static long number(Map<String, Object> json, String name) {
        if (member(json, name) instanceof Long number) {
            return number;
        }
        throw new IllegalArgumentException("member " + name + " is not an integer");
    }

    private static UUID uuid(Map<String, Object> json, String name) {
        String value = text(json, name);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("member " + name + " is not a UUID");
        }
    }

    private static Instant instant(Map<String, Object> json, String name) {
        String value = text(json, name);
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("member " + name + " is not an RFC 3339 UTC time");
        }
    }

    private static byte[] hash(Map<String, Object> json, String name) {
        String value = text(json, name);
        try {
            return Sha256.fromHex(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("member " + name + " is not 64 hex digits");
        }
    }

    private static byte[] base64(Map<String, Object> json, String name) {
        String value = text(json, name);
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("member " + name + " is not base64");
        }
    }

    private static List<byte[]> hashes(Map<String, Object> json, String name) {
        if (!(member(json, name) instanceof List<?> list)) {
            throw new IllegalArgumentException("member " + name + " is not an array");
        }
        List<byte[]> hashes = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String hex)) {
                throw new IllegalArgumentException("member " + name + " holds a non-string");
            }
            hashes.add(Sha256.fromHex(hex));
        }
        return hashes;
    }
}
