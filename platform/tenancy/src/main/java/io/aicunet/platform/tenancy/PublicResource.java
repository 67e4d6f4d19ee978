package io.aicunet.platform.tenancy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a REST resource method that anyone may call without a token, because it
 * publishes only what is public by nature (e.g. the audit log's verification keys,
 * which offline verifiers need as a JWKS is needed to check tokens). It must read no
 * tenant's data. Everything else is authenticated by {@link RestCallers}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PublicResource {
}
