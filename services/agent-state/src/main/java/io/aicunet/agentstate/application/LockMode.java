package io.aicunet.agentstate.application;

/** How a read locks the row it finds, until the transaction ends. */
public enum LockMode {
    /** No lock: a plain read. */
    NONE,
    /** FOR SHARE: others may read and share-lock, nobody may change it. */
    SHARE,
    /** FOR UPDATE: nobody else may lock or change it. */
    UPDATE;

    /** The SQL locking clause, with a leading space, or nothing. */
    public String clause() {
        return switch (this) {
            case NONE -> "";
            case SHARE -> " FOR SHARE";
            case UPDATE -> " FOR UPDATE";
        };
    }
}
