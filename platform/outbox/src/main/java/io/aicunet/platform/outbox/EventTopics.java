package io.aicunet.platform.outbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fleet's event topics and the message types each carries: the one list that says
 * which protobuf message may appear on which topic (docs/contracts.md, "Event schemas").
 * Names only (protobuf full names, the CloudEvents {@code type}), so this library needs no
 * contracts; platform/outbox's {@code EventContractsTest} proves the list against the
 * contracts' descriptors and the services' {@code *Events} classes.
 *
 * <p>{@link EventAdmission} uses it to refuse a type the list puts on another topic. A type
 * it does not list yet, in the topic owner's package, is still admitted: a producer may add
 * an event type before every consumer is redeployed with the new list (the audit ingest
 * logs such an event sealed; other consumers skip types they do not handle).
 */
public final class EventTopics {

    /** tenant: the tenant's lifecycle. */
    public static final String TENANTS = "tenant.tenants.v1";
    /** tenant: reads of a tenant's data key, read by the audit log only. */
    public static final String TENANT_KEY_ACCESS = "tenant.key-access.v1";
    /** tenant: privacy requests and their outcome, read by every service that holds personal data. */
    public static final String PRIVACY_REQUESTS = "tenant.privacy-requests.v1";
    /** ledger: transfers. */
    public static final String TRANSFERS = "ledger.transfers.v1";
    /** agent-state: agents and checkpoints. */
    public static final String AGENTS = "agent-state.agents.v1";
    /** config: entries, namespaces, schemas, compaction. */
    public static final String CONFIG_ENTRIES = "config.entries.v1";
    /** config: reveals of secret values, read by the audit log only. */
    public static final String CONFIG_SECRET_ACCESS = "config.secret-access.v1";
    /** The services that answer privacy requests, each on its own {@link #privacyAnswers} topic. */
    public static final Set<String> PRIVACY_ANSWERING_SERVICES = Set.of("ledger", "agent-state", "audit", "config");

    private static final String PRIVACY_ANSWERS_SUFFIX = ".privacy.v1";
    private static final Set<String> PRIVACY_ANSWER_TYPES = Set.of("aicunet.privacy.v1.PrivacyRequestFulfilled");

    private static final Map<String, Set<String>> TYPES = topics();

    private EventTopics() {
    }

    /** The topic on which {@code service} answers privacy requests. */
    public static String privacyAnswers(String service) {
        return service + PRIVACY_ANSWERS_SUFFIX;
    }

    /** Every registered topic (without a run's prefix), with the full names of the messages it carries. */
    public static Map<String, Set<String>> all() {
        return TYPES;
    }

    /** The message types {@code topic} (without a run's prefix) carries; empty for a topic not registered. */
    public static Optional<Set<String>> typesOf(String topic) {
        return Optional.ofNullable(TYPES.get(topic));
    }

    /** The registered topics that carry {@code type}; empty for a type not registered. */
    public static Set<String> topicsOf(String type) {
        Set<String> topics = new TreeSet<>();
        TYPES.forEach((topic, types) -> {
            if (types.contains(type)) {
                topics.add(topic);
            }
        });
        return topics;
    }

    private static Map<String, Set<String>> topics() {
        Map<String, Set<String>> topics = new LinkedHashMap<>();
        topics.put(TENANTS, Set.of("aicunet.tenant.v1.TenantCreated", "aicunet.tenant.v1.TenantUpdated",
                "aicunet.tenant.v1.TenantSuspended", "aicunet.tenant.v1.TenantReactivated"));
        topics.put(TENANT_KEY_ACCESS, Set.of("aicunet.tenant.v1.TenantDataKeyRead"));
        topics.put(PRIVACY_REQUESTS, Set.of("aicunet.privacy.v1.PrivacyRequestCreated",
                "aicunet.privacy.v1.PrivacyRequestCompleted", "aicunet.privacy.v1.PrivacyRequestFailed",
                "aicunet.privacy.v1.TenantDataKeyDestroyed"));
        topics.put(TRANSFERS, Set.of("aicunet.ledger.v1.TransferCreated", "aicunet.ledger.v1.PendingPosted",
                "aicunet.ledger.v1.PendingVoided", "aicunet.ledger.v1.PendingExpired"));
        topics.put(AGENTS, Set.of("aicunet.agentstate.v1.AgentRegistered",
                "aicunet.agentstate.v1.AgentStatusChanged", "aicunet.agentstate.v1.AgentLost",
                "aicunet.agentstate.v1.CheckpointSaved"));
        topics.put(CONFIG_ENTRIES, Set.of("aicunet.config.v1.ConfigChanged",
                "aicunet.config.v1.ConfigNamespaceCreated", "aicunet.config.v1.ConfigSchemaRegistered",
                "aicunet.config.v1.ConfigRevisionsCompacted"));
        topics.put(CONFIG_SECRET_ACCESS, Set.of("aicunet.config.v1.SecretRevealed"));
        new TreeSet<>(PRIVACY_ANSWERING_SERVICES).forEach(
                service -> topics.put(privacyAnswers(service), PRIVACY_ANSWER_TYPES));
        return java.util.Collections.unmodifiableMap(topics);
    }
}
