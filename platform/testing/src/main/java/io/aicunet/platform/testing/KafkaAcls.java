package io.aicunet.platform.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The fleet's Kafka ACLs, read from {@code platform/devstack/src/main/resources/kafka/acls.conf}
 * (one binding per line: principal, resource, pattern, name, operations; {@code {p}} in a name
 * is a test run's topic prefix), and applied to a broker with an admin client.
 *
 * <p>Two users of one file, so that tests run under exactly the grants of the local stack:
 * <ul>
 *   <li>{@code ./fleet up} runs {@link #main} (with the Java source launcher on the broker's
 *       classpath: this class needs nothing but the JDK and kafka-clients) to create each
 *       service's SCRAM-SHA-512 credentials and the bindings with an empty prefix;</li>
 *   <li>a test run calls {@link #grantRun} for its topic prefix: the bindings whose name
 *       holds {@code {p}}, for that prefix, removed again when the JVM exits. Bindings
 *       without {@code {p}} are the stack's own and are left alone.</li>
 * </ul>
 */
public final class KafkaAcls {

    /** The placeholder of a test run's topic prefix in a binding's name. */
    static final String PREFIX = "{p}";
    /**
     * What a test run's prefix looks like ({@code test-}, {@code e2e-}, {@code ha-} or {@code bench-} and
     * eight hex digits, then a dot, as the tests and benchmarks make them): the stack's sync
     * leaves resources so named to their run.
     */
    static final Pattern RUN_PREFIX = Pattern.compile("(test|e2e|ha|bench)-[0-9a-f]{8}\\.");

    private static final long TIMEOUT_SECONDS = 30;
    private static final Set<String> GRANTED_RUNS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One line of the file, with {@code {p}} still in its name. */
    public record Binding(String principal, ResourceType resource, PatternType pattern, String name,
                          List<AclOperation> operations) {

        boolean perRun() {
            return name.contains(PREFIX);
        }

        List<AclBinding> forPrefix(String prefix) {
            ResourcePattern resourcePattern = new ResourcePattern(resource, name.replace(PREFIX, prefix), pattern);
            List<AclBinding> bindings = new ArrayList<>();
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(resourcePattern, new AccessControlEntry(
                        "User:" + principal, "*", operation, AclPermissionType.ALLOW)));
            }
            return bindings;
        }
    }

    private KafkaAcls() {
    }

    /** The bindings of the file {@code spec} (the fleet's: {@link FleetStack#kafkaAclsFile()}), in order. */
    public static List<Binding> read(Path spec) {
        try (Reader reader = Files.newBufferedReader(spec, StandardCharsets.UTF_8)) {
            return parse(reader, spec.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + spec, e);
        }
    }

    /** The service principals the file names, in order of first appearance. */
    public static Set<String> principals(List<Binding> bindings) {
        Set<String> principals = new LinkedHashSet<>();
        bindings.forEach(binding -> principals.add(binding.principal()));
        return principals;
    }

    /**
     * Parses the file's text; fails on the first malformed line, naming it (a typo must
     * not silently drop a grant or, worse, widen one).
     */
    static List<Binding> parse(Reader text, String source) throws IOException {
        List<Binding> bindings = new ArrayList<>();
        BufferedReader lines = new BufferedReader(text);
        String line;
        int number = 0;
        while ((line = lines.readLine()) != null) {
            number++;
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            String[] fields = content.split("\\s+");
            if (fields.length != 5) {
                throw new IllegalArgumentException(source + ":" + number
                        + ": expected 'principal resource pattern name operations', got '" + content + "'");
            }
            try {
                bindings.add(new Binding(principal(fields[0]), resource(fields[1]), pattern(fields[2]),
                        fields[3], operations(fields[4])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + number + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(bindings);
    }

    private static String principal(String field) {
        if (!field.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("bad principal '" + field + "'");
        }
        return field;
    }

    private static ResourceType resource(String field) {
        return switch (field) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            default -> throw new IllegalArgumentException("resource must be topic or group, not '" + field + "'");
        };
    }

    private static PatternType pattern(String field) {
        return switch (field) {
            case "literal" -> PatternType.LITERAL;
            case "prefixed" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException("pattern must be literal or prefixed, not '" + field + "'");
        };
    }

    private static List<AclOperation> operations(String field) {
        List<AclOperation> operations = new ArrayList<>();
        for (String name : field.split(",")) {
            AclOperation operation;
            try {
                operation = AclOperation.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown operation '" + name + "'");
            }
            if (operation == AclOperation.ANY || operation == AclOperation.ALL || operation == AclOperation.UNKNOWN) {
                throw new IllegalArgumentException("operation " + operation + " is too wide or meaningless here");
            }
            operations.add(operation);
        }
        return List.copyOf(operations);
    }

    /** Every Kafka binding of {@code bindings} for the run {@code prefix} ({@code ""}: the stack's own). */
    static List<AclBinding> aclBindings(List<Binding> bindings, String prefix) {
        List<AclBinding> result = new ArrayList<>();
        for (Binding binding : bindings) {
            if (prefix.isEmpty() || binding.perRun()) {
                result.addAll(binding.forPrefix(prefix));
            }
        }
        return result;
    }

    /**
     * Grants the services the fleet's per-run bindings for the test run {@code prefix}
     * (once per prefix and JVM), and removes them when the JVM exits.
     */
    public static void grantRun(Path spec, String prefix, Map<String, Object> adminSettings) {
        if (prefix == null || !RUN_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a test run's prefix must look like test-|e2e-|ha-|bench-<8 hex digits>. (the stack's"
                    + " sync keeps such bindings for their run): " + prefix);
        }
        if (!GRANTED_RUNS.add(prefix)) {
            return;
        }
        List<AclBinding> bindings = aclBindings(read(spec), prefix);
        try (Admin admin = Admin.create(adminSettings)) {
            admin.createAcls(bindings).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting the Kafka ACLs of run " + prefix, e);
        } catch (ExecutionException | TimeoutException e) {
            GRANTED_RUNS.remove(prefix);
            throw new IllegalStateException("cannot grant the Kafka ACLs of run " + prefix, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> revoke(bindings, adminSettings),
                "kafka-acls-revoke-" + prefix));
    }

    private static void revoke(List<AclBinding> bindings, Map<String, Object> adminSettings) {
        try (Admin admin = Admin.create(adminSettings)) {
            admin.deleteAcls(bindings.stream().map(AclBinding::toFilter).toList())
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            // At exit nothing can be done about it: the bindings name only this run's topics.
            System.err.println("KafkaAcls: could not remove a test run's bindings: " + e);
        }
    }

    /**
     * {@code ./fleet up}'s step: {@code java -cp <broker classpath> KafkaAcls.java <spec>
     * <admin.properties>}, with one "principal password" line per service on standard input.
     * Creates (or updates) each service's SCRAM-SHA-512 credentials and the stack's bindings.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaAcls <acls.conf> <admin.properties> < 'principal password' lines");
            System.exit(2);
        }
        List<Binding> bindings = read(Path.of(args[0]));
        Map<String, String> passwords = passwords(new BufferedReader(
                new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        for (String principal : principals(bindings)) {
            if (!passwords.containsKey(principal)) {
                throw new IllegalArgumentException("no password given for principal " + principal);
            }
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, Object> settings = new HashMap<>();
        properties.forEach((key, value) -> settings.put((String) key, value));
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        passwords.forEach((principal, password) -> users.add(new UserScramCredentialUpsertion(principal,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
        try (Admin admin = Admin.create(settings)) {
            admin.alterUserScramCredentials(users).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Sync sync = syncStack(bindings, admin);
            System.out.println("kafka: " + users.size() + " service principals, " + sync.granted()
                    + " ACL bindings, " + sync.revoked().size() + " stale ones removed" + (sync.revoked().isEmpty()
                    ? "" : ": " + sync.revoked()));
        }
    }

    /** What {@link #syncStack} did: the stack's bindings granted, and the stale ones it removed. */
    public record Sync(int granted, List<AclBinding> revoked) {
    }

    /**
     * Makes the broker's bindings the file's: grants the stack's own (an existing one is
     * left as it is), then removes every binding that the file does not grant the stack
     * and no test run owns, i.e. what lines since removed or narrowed left behind. The file
     * is the only source: a binding made by hand goes too.
     */
    public static Sync syncStack(List<Binding> bindings, Admin admin)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<AclBinding> acls = aclBindings(bindings, "");
        admin.createAcls(acls).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<AclBinding> stale = stale(admin.describeAcls(AclBindingFilter.ANY).values()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS), acls);
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale.stream().map(AclBinding::toFilter).toList()).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return new Sync(acls.size(), stale);
    }

    /**
     * The bindings of {@code existing} that are not {@code desired} and name no test run's
     * resources (those go when their run's JVM exits, {@link #grantRun}).
     */
    static List<AclBinding> stale(Collection<AclBinding> existing, Collection<AclBinding> desired) {
        Set<AclBinding> wanted = new HashSet<>(desired);
        return existing.stream()
                .filter(binding -> !wanted.contains(binding))
                .filter(binding -> !RUN_PREFIX.matcher(binding.pattern().name()).lookingAt())
                .toList();
    }

    private static Map<String, String> passwords(BufferedReader lines) throws IOException {
        Map<String, String> passwords = new LinkedHashMap<>();
        String line;
        while ((line = lines.readLine()) != null) {
            String[] fields = line.strip().split("\\s+", 2);
            if (fields.length == 2) {
                passwords.put(fields[0], fields[1]);
            }
        }
        return passwords;
    }
}
