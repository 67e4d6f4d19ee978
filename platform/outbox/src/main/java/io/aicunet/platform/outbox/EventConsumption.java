package io.aicunet.platform.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * How every consumer of the fleet processes a record, so that no input can stop it
 * (docs/consumers.md):
 * <ol>
 *   <li>{@link EventAdmission} checks the record (size, CloudEvents attributes, control
 *       characters, source and type against the topic's owner);</li>
 *   <li>the consumer's work runs (decode the payload, call the use case);</li>
 *   <li>a {@linkplain #isPoison poison} failure, from the checks, from the decoding or
 *       from the database refusing the event's data, sends the record to
 *       {@code <topic>.dlq.<group>} ({@link DeadLetters}) at once: retrying cannot help;</li>
 *   <li>any other failure is an infrastructure failure (database, Redis, another service
 *       away): it is retried with back-off until it succeeds, never dead-lettered, and the
 *       returned {@code Uni} does not fail, so the channel never fail-stops and readiness
 *       stays UP. The partition waits behind the record meanwhile, as it must: the events
 *       behind it are good and need the same infrastructure.</li>
 * </ol>
 * The consumer group is the channel's {@code group.id}; a channel without one is a bug in the
 * configuration and fails at the first record.
 */
@ApplicationScoped
public class EventConsumption {

    private static final Logger LOG = Logger.getLogger(EventConsumption.class);
    /** SQLSTATE class 22, data exception: the statement's data is wrong (a NUL byte in text, a bad value). */
    private static final String DATA_EXCEPTION_CLASS = "22";

    private final DeadLetters deadLetters;
    private final ConsumptionConfig config;
    private final String topicPrefix;
    private final MeterRegistry meters;

    public EventConsumption(DeadLetters deadLetters, ConsumptionConfig config, OutboxConfig outbox,
                            MeterRegistry meters) {
        this.deadLetters = deadLetters;
        this.config = config;
        this.topicPrefix = outbox.topicPrefix().orElse("");
        this.meters = meters;
    }

    /** One admitted record of a batch: the record and its event. */
    public record Admitted(ConsumerRecord<String, byte[]> record, ReceivedEvent event) {
    }

    /**
     * Processes one record of a channel: admits it, runs {@code work}, dead-letters it if it is
     * poison, retries {@code work} on any other failure. Completes when the record is done
     * with (processed or dead-lettered); never fails.
     */
    public Uni<Void> consume(String channel, ConsumerRecord<String, byte[]> record,
                             Function<ReceivedEvent, Uni<?>> work) {
        String group = groupOf(channel);
        ReceivedEvent event;
        try {
            event = admit(record);
        } catch (PoisonEvent poison) {
            return deadLetters.send(record, group, poison);
        }
        return retryInfrastructure(channel, describe(record), Uni.createFrom().deferred(() -> work.apply(event)))
                .replaceWithVoid()
                .onFailure(EventConsumption::isPoison)
                .recoverWithUni(failure -> deadLetters.send(record, group, asPoison(failure)));
    }

    /**
     * The admitted records of a batch, in order; the others are dead-lettered before this
     * completes. For consumers that process a batch at once (the audit ingest).
     */
    public Uni<List<Admitted>> admitAll(String channel, Iterable<ConsumerRecord<String, byte[]>> records) {
        String group = groupOf(channel);
        List<Admitted> admitted = new ArrayList<>();
        List<Uni<Void>> letters = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                admitted.add(new Admitted(record, admit(record)));
            } catch (PoisonEvent poison) {
                letters.add(deadLetters.send(record, group, poison));
            }
        }
        if (letters.isEmpty()) {
            return Uni.createFrom().item(admitted);
        }
        // One after the other: a batch holding many bad records must not open as many sends at once.
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Uni<Void> letter : letters) {
            all = all.chain(() -> letter);
        }
        return all.replaceWith(admitted);
    }

    /** Dead-letters one record of the channel (a batch consumer's record found to be poison later). */
    public Uni<Void> deadLetter(String channel, ConsumerRecord<String, byte[]> record, Throwable failure) {
        return deadLetters.send(record, groupOf(channel), asPoison(failure));
    }

    /**
     * Runs {@code work}, retrying every failure except poison with back-off, indefinitely; a
     * poison failure is passed on (the caller dead-letters).
     */
    public <T> Uni<T> retryInfrastructure(String channel, String what, Uni<T> work) {
        return work
                .onFailure(failure -> !isPoison(failure)).invoke(failure -> {
                    meters.counter("aicunet.consumer.retries", "channel", channel).increment();
                    LOG.warnf("%s of channel %s failed (infrastructure), retrying: %s", what, channel,
                            failure.toString());
                })
                .onFailure(failure -> !isPoison(failure)).retry()
                .withBackOff(Duration.ofMillis(config.retryBackoffMillis()),
                        Duration.ofMillis(config.retryBackoffMaxMillis())).indefinitely();
    }

    /** The record as an event of its topic's owner, or a {@link PoisonEvent}. */
    public ReceivedEvent admit(ConsumerRecord<String, byte[]> record) {
        return EventAdmission.admit(record, topicPrefix, config.eventBytesMax());
    }

    /**
     * Whether a failure is the event's fault, so that no retry can help: a {@link PoisonEvent}
     * anywhere in the cause chain, or PostgreSQL refusing the event's data (SQLSTATE class 22,
     * data exception, e.g. 22021 for a NUL byte in text, 22001 for a value too long). Every
     * other failure (connection refused or lost, timeouts, 08/53/57 classes, serialization
     * conflicts, another service unreachable, and bugs) is treated as infrastructure.
     */
    public static boolean isPoison(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PoisonEvent) {
                return true;
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && pg.getSqlState().startsWith(DATA_EXCEPTION_CLASS)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static PoisonEvent asPoison(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PoisonEvent poison) {
                return poison;
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && pg.getSqlState().startsWith(DATA_EXCEPTION_CLASS)) {
                return new PoisonEvent(PoisonEvent.Reason.REFUSED_DATA, "the database refused the event's data"
                        + " (SQLSTATE " + pg.getSqlState() + ")", pg);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        throw new IllegalStateException("not a poison failure", failure);
    }

    private String groupOf(String channel) {
        return ConfigProvider.getConfig().getValue("mp.messaging.incoming." + channel + ".group.id", String.class);
    }

    private static String describe(ConsumerRecord<String, byte[]> record) {
        return "record " + record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
