package io.aicunet.ledger.application.accounts;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.Accounts;
import io.aicunet.ledger.application.port.Transfers;
import io.aicunet.ledger.application.privacy.PersonalDataCipher;
import io.aicunet.ledger.config.LedgerServiceConfig;
import io.aicunet.ledger.domain.AccountId;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An account's statement: its transfers in timestamp order, a page at a time, their
 * personal metadata decrypted, read on the reporting datasource (it may lag the primary
 * by the replica lag). The
 * page token is the timestamp of the last transfer of the previous page; timestamps
 * are unique per account, so pages neither skip nor repeat while transfers are added.
 */
@ApplicationScoped
public class ListAccountTransfers {

    public static final String ACTION = "ledger.transfers.read";

    /**
     * A page token: the unpadded base64url of a decimal count of microseconds since the
     * epoch, {@code -} and up to 17 digits or up to 18 digits (18 bytes, so at most 24
     * characters). Spelled as the characters such a text encodes to, three digits (four
     * characters) at a time: a digit is 0x30 to 0x39, so each position of its encoding can
     * only take a few characters. The REST document states this pattern and the service
     * takes exactly the tokens it matches, so a well-formed token is never refused.
     */
    private static final String DIGITS_3 = "(?:[MN][DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]";
    private static final String DIGITS_2 = "(?:[MN][DTjz]|O[DT])[AEIMQUYcgk]";
    private static final String DIGITS_1 = "(?:[MN][AQgw]|O[AQ])";
    private static final String MINUS_DIGITS_2 = "LT[AEIMQUYcgk][w-z0-5]";
    private static final String MINUS_DIGIT = "LT[AEIMQUYcgk]";
    public static final String PAGE_TOKEN_PATTERN = "^(?:(?:" + DIGITS_3 + "|" + MINUS_DIGITS_2 + ")(?:" + DIGITS_3
            + ")*(?:" + DIGITS_2 + "|" + DIGITS_1 + ")?|" + DIGITS_2 + "|" + DIGITS_1 + "|" + MINUS_DIGIT + ")?$";
    public static final int PAGE_TOKEN_LENGTH_MAX = 24;
    private static final Pattern PAGE_TOKEN = Pattern.compile(PAGE_TOKEN_PATTERN);

    /** One page; {@code nextPageToken} is empty on the last. */
    public record Page(List<Transfer> transfers, String nextPageToken) {
    }

    private final LedgerAccess access;
    private final Accounts accounts;
    private final Transfers transfers;
    private final LedgerServiceConfig config;
    private final PersonalDataCipher cipher;

    public ListAccountTransfers(LedgerAccess access, Accounts accounts, Transfers transfers,
                                LedgerServiceConfig config, PersonalDataCipher cipher) {
        this.access = access;
        this.accounts = accounts;
        this.transfers = transfers;
        this.config = config;
        this.cipher = cipher;
    }

    public Uni<Result<Page>> execute(Caller caller, StatementQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<AccountId> id = AccountId.parse(query.accountId());
        if (id.isEmpty()) {
            violations.add(new FieldViolation("account_id", "must be a UUID"));
        }
        int pageSize = query.pageSize() == 0 ? config.pageSizeDefault() : query.pageSize();
        if (pageSize < 1 || pageSize > config.pageSizeMax()) {
            violations.add(new FieldViolation("page_size", "must be 1 to " + config.pageSizeMax()));
        }
        Optional<Instant> after = decode(query.pageToken(), violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        // A report: read on the reporting datasource (a standby in production), so a transfer
        // posted a moment ago may not be on the page yet (docs/ledger.md, "Reporting").
        return access.inTenantOnReporting(caller, query.tenantId(), ACTION, "account", id.get().toString(),
                (connection, tenant) -> accounts.find(connection, tenant, id.get()).flatMap(account -> account.isEmpty()
                        ? Uni.createFrom().item(Result.<Page>failed(new Problem.NotFound("account", query.accountId())))
                        : transfers.statement(connection, tenant, id.get(), after, pageSize + 1).map(found -> {
                            boolean more = found.size() > pageSize;
                            List<Transfer> page = more ? found.subList(0, pageSize) : found;
                            String next = more ? encode(page.get(page.size() - 1).timestamp()) : "";
                            return Result.ok(new Page(List.copyOf(page), next));
                        })))
                .flatMap(found -> found.isOk()
                        ? cipher.open(found.value().transfers()).map(opened -> opened.map(
                                list -> new Page(list, found.value().nextPageToken())))
                        : Uni.createFrom().item(found));
    }

    private static String encode(Instant timestamp) {
        String micros = Long.toString(Math.addExact(Math.multiplyExact(timestamp.getEpochSecond(), 1_000_000L),
                timestamp.getNano() / 1_000));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(micros.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Instant> decode(String token, List<FieldViolation> violations) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        if (token.length() > PAGE_TOKEN_LENGTH_MAX || !PAGE_TOKEN.matcher(token).matches()) {
            violations.add(new FieldViolation("page_token", "is not a token this service issued"));
            return Optional.empty();
        }
        // The pattern admits only signed decimals of at most 18 digits: they decode and fit a long.
        long micros = Long.parseLong(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        Instant after = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
        // A position before year 1 or after 9999 pages like its bound (no transfer is outside), and
        // never reaches the database as a time PostgreSQL cannot hold.
        if (after.isBefore(InputChecks.TIMESTAMP_MIN)) {
            return Optional.of(InputChecks.TIMESTAMP_MIN);
        }
        return Optional.of(after.isAfter(InputChecks.TIMESTAMP_MAX) ? InputChecks.TIMESTAMP_MAX : after);
    }
}
