package io.aicunet.audit.application.contract;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.platform.outbox.EventAdmission;
import io.aicunet.platform.outbox.PoisonEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The payloads of the fleet's event types as the audit ingest checks them: an event of
 * a type in the contracts must be that protobuf message, with no control character in
 * any text field, or it is a {@link PoisonEvent} (dead-lettered, not logged as a fact).
 * An event of a type the contracts of this build do not know yet (a newer producer) is
 * logged as it came: its bytes are sealed, never interpreted.
 */
public final class FleetEventPayloads {

    private static final Map<String, Descriptor> TYPES = types(List.of(
            io.aicunet.contracts.tenant.v1.Events.getDescriptor(),
            io.aicunet.contracts.ledger.v1.Events.getDescriptor(),
            io.aicunet.contracts.agentstate.v1.Events.getDescriptor(),
            io.aicunet.contracts.config.v1.Events.getDescriptor(),
            io.aicunet.contracts.privacy.v1.Events.getDescriptor()));

    private FleetEventPayloads() {
    }

    /** Fails with a {@link PoisonEvent} when the payload is not readable as its type's message. */
    public static void requireReadable(String type, byte[] payload) {
        Descriptor descriptor = TYPES.get(type);
        if (descriptor == null) {
            return;
        }
        try {
            EventAdmission.requireCleanText(DynamicMessage.parseFrom(descriptor, payload));
        } catch (InvalidProtocolBufferException malformed) {
            throw new PoisonEvent(PoisonEvent.Reason.UNDECODABLE, "payload is not a " + descriptor.getName(),
                    malformed);
        }
    }

    private static Map<String, Descriptor> types(List<FileDescriptor> files) {
        Map<String, Descriptor> types = new HashMap<>();
        files.forEach(file -> file.getMessageTypes().forEach(type -> types.put(type.getFullName(), type)));
        return Map.copyOf(types);
    }
}
