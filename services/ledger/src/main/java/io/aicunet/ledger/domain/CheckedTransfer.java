package io.aicunet.ledger.domain;

import java.util.Objects;

/**
 * One transfer of a batch after its fields were checked: a well-formed request, or
 * what is wrong with it. Both know whether the transfer is linked to the next, so a
 * malformed transfer still breaks its chain.
 */
public sealed interface CheckedTransfer {

    /** The id as the caller wrote it. */
    String idText();

    boolean linked();

    record WellFormed(TransferRequest request) implements CheckedTransfer {
        public WellFormed {
            Objects.requireNonNull(request, "request");
        }

        @Override
        public String idText() {
            return request.id().toString();
        }

        @Override
        public boolean linked() {
            return request.linked();
        }
    }

    record Malformed(String idText, boolean linked, TransferResult result, String field, String detail)
            implements CheckedTransfer {
        public Malformed {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(detail, "detail");
            idText = idText == null ? "" : idText;
        }
    }
}
