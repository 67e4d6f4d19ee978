package io.aicunet.architecturefixture.bad.adapter.persistence;

/** Breaks 10: a name that says nothing. */
public final class RowHelper {

    private RowHelper() {
    }
}
