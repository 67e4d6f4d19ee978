package io.aicunet.architecturefixture.bad.domain;

/** Breaks 7a: the personal-data declaration outside adapter.persistence. */
public final class BadPersonalData {

    private BadPersonalData() {
    }
}
