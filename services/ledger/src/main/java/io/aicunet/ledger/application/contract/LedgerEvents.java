package io.aicunet.ledger.application.contract;

import com.google.protobuf.Message;
import io.aicunet.contracts.ledger.v1.PendingExpired;
import io.aicunet.contracts.ledger.v1.PendingPosted;
import io.aicunet.contracts.ledger.v1.PendingVoided;
import io.aicunet.contracts.ledger.v1.TransferCreated;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import java.util.ArrayList;
import java.util.List;

/** Where the ledger announces its changes, and what it says. */
public final class LedgerEvents {

    /** Every transfer event, keyed by tenant id. */
    public static final String TOPIC = "ledger.transfers.v1";

    private LedgerEvents() {
    }

    /**
     * One event per new transfer, in the order they were recorded; a transfer has one event
     * ever, whose id derives from the tenant and the transfer id ({@link Outbox#soleEvent}),
     * so a transfer lost in a failover or a restore and created again by the client's retry
     * is announced under the same id and reaches the audit log once.
     */
    public static List<OutboxEvent> of(Outbox outbox, List<Transfer> created) {
        List<OutboxEvent> events = new ArrayList<>(created.size());
        for (Transfer transfer : created) {
            events.add(outbox.soleEvent(TOPIC, transfer.tenant(), transfer.id().toString(), payload(transfer)));
        }
        return events;
    }

    private static Message payload(Transfer transfer) {
        // Events go to every consumer of the topic (and into the audit log): never personal data.
        io.aicunet.contracts.ledger.v1.Transfer proto = LedgerProtos.toProto(transfer, false);
        return switch (transfer.kind()) {
            case POSTED, PENDING -> TransferCreated.newBuilder().setTransfer(proto).build();
            case POST_PENDING -> PendingPosted.newBuilder().setTransfer(proto).build();
            case VOID_PENDING -> PendingVoided.newBuilder().setTransfer(proto).build();
            case EXPIRE_PENDING -> PendingExpired.newBuilder().setTransfer(proto).build();
        };
    }
}
