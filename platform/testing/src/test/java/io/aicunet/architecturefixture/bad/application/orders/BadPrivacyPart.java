package io.aicunet.architecturefixture.bad.application.orders;

/** Breaks 7c: the privacy part outside application.privacy. */
public class BadPrivacyPart {
}
