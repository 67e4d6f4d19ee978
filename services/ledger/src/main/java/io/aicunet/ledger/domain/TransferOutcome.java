package io.aicunet.ledger.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one transfer of a batch.
 *
 * @param index    its position in the request, from 0
 * @param id       its id as the caller wrote it
 * @param transfer the recorded transfer, for OK and EXISTS
 * @param field    for INVALID_FIELD, the field at fault; otherwise empty
 * @param detail   why, in a sentence, for every result but OK
 */
public record TransferOutcome(int index, String id, TransferResult result, Optional<Transfer> transfer,
                              String field, String detail) {

    public TransferOutcome {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(detail, "detail");
        if (result.succeeded() != transfer.isPresent()) {
            throw new IllegalArgumentException(result + " outcome with transfer " + transfer);
        }
    }

    static TransferOutcome failed(int index, String id, TransferResult result, String field, String detail) {
        return new TransferOutcome(index, id, result, Optional.empty(), field, detail);
    }

    /** The same outcome with the transfer in another form (its personal metadata opened). */
    public TransferOutcome withTransfer(Transfer changed) {
        if (transfer.isEmpty() || !transfer.get().id().equals(changed.id())) {
            throw new IllegalArgumentException("outcome " + index + " has no transfer " + changed.id());
        }
        return new TransferOutcome(index, id, result, Optional.of(changed), field, detail);
    }

    /** True when the transfer existed with the same body: the first result, repeated. */
    public boolean replayed() {
        return result == TransferResult.EXISTS;
    }
}
