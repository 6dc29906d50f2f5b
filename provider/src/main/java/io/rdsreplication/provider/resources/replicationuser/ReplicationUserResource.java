package io.rdsreplication.provider.resources.replicationuser;

import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.mysql.Session;
import io.rdsreplication.provider.mysql.SqlErrors;
import io.rdsreplication.provider.mysql.Validation;
import io.rdsreplication.provider.resources.Context;
import io.rdsreplication.provider.resources.types.AuthPlugin;
import io.rdsreplication.provider.resources.types.Connection;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** rdsreplication:index:ReplicationUser — the replication account on the external source. */
@SchemaType(token = ReplicationUserResource.TOKEN, description = "The account the RDS replica uses to read the source's binlog: `CREATE USER` on the external source with `REPLICATION CLIENT` and `REPLICATION SLAVE` on `*.*` (runbook steps 6 and 7). Read compares grants by meaning (MariaDB shows `BINLOG MONITOR` for `REPLICATION CLIENT`), so a revoked privilege shows as drift and `pulumi up` grants it again. An account that already exists is refused, never adopted: import it with `pulumi import rdsreplication:index:ReplicationUser NAME 'user@host'`. (The one exception: an account that stores exactly this resource's password, by its `mysql_native_password` or `ed25519` hash, is the trace of an earlier create whose answer was lost, and is finished.) Account names are written as quoted identifiers and passwords as hashes (or as literals escaped for the session's sql_mode), so any sql_mode works. When the source user may not turn `sql_log_bin` off, the account's statements replicate to the RDS instance: the CLI says so.")
public final class ReplicationUserResource extends TypedResource<Context, ReplicationUserResource.Args, ReplicationUserResource.State> {
    public static final String TOKEN = "rdsreplication:index:ReplicationUser";

    public record Args(
            @Prop("Connection to the external source server. Defaults to the provider's `source` configuration. Another `host` or `port` is another server: the account is dropped here, then created there (a replace, delete first, so that a second name of the same server never ends without the account); new credentials, `tls` or timeouts change only how the provider logs in.")
            Connection source,
            @Prop(value = "Name of the replication account (the user part of `'user'@'host'`; no control or invisible characters). Changing it replaces the account.", required = true, replaces = true)
            String user,
            @Prop(value = "Host part of the account: the RDS replica's address or a domain pattern such as `%.example.com` (letters, digits and `.:%_/-`). The runbook asks for an account restricted to your domain; `%` draws a warning. Changing it replaces the account.", required = true, replaces = true)
            String host,
            @Prop(value = "Password of the account. Generated (32 characters) when omitted. Changing it rotates the password in place with ALTER USER. An RDS instance running MySQL refuses replication passwords over 32 characters (error 3056): a longer one draws a warning.", always = true, secret = true, customDiff = true)
            String password,
            @Prop(value = "Whether the account must connect over TLS (`REQUIRE SSL`). Changed in place. Defaults to false.", defaultValue = "false")
            Boolean requireSsl,
            @Prop(value = "Authentication plugin of the account. Defaults to the server's default. Changing it replaces the account.", replaces = true)
            AuthPlugin authPlugin) {
        String plugin() {
            return authPlugin == null ? null : authPlugin.wire();
        }

        boolean ssl() {
            return Boolean.TRUE.equals(requireSsl);
        }
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "Privileges the account holds on `*.*`, normalised (`REPLICATION CLIENT`, `REPLICATION SLAVE`).", always = true)
            List<String> grants) {
    }

    static final int MAX_USER = 80;     // MariaDB; MySQL allows 32 and refuses longer names itself
    static final int MAX_HOST = 255;
    static final int PLUGIN_NOT_LOADED = 1524;   // ER_PLUGIN_IS_NOT_LOADED
    static final int WRONG_STRING_LENGTH = 1470; // ER_WRONG_STRING_LENGTH: user name too long
    static final int READ_ONLY = 1290;           // ER_OPTION_PREVENTS_STATEMENT: --read-only / --super-read-only
    /** MySQL (error 3056) refuses longer replication passwords; generated ones are exactly this long. */
    static final int MYSQL_REPLICATION_PASSWORD_MAX = 32;
    /** Host names, IPv4/IPv6 addresses, netmasks (10.0.0.0/255.255.255.0, 10.0.0.0/24) and % _ patterns. */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("[A-Za-z0-9.:%_/\\-]+");
    static final List<String> REQUIRED_GRANTS = List.of("REPLICATION CLIENT", "REPLICATION SLAVE");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ReplicationUserResource() {
        // delete before replace: a "new" server may be an alias of the same one (another name or address), where
        // creating first would find this very account (same password hash), take it over, and the delete of the
        // old resource would then drop it
        super(Args.class, State.class, true);
    }

    @Override
    protected void check(Check<Args> c) {
        Args in = c.news();
        Connection.check(c, Args::source);
        name(c, Args::user, in.user(), MAX_USER);
        name(c, Args::host, in.host(), MAX_HOST);
        if (in.host() != null && !c.failed(Args::host) && !HOST.matcher(in.host()).matches()) {
            c.fail(Args::host, "must be a host name, an IP address, a netmask or a pattern with % and _ "
                    + "(ASCII letters, digits and . - _ % : /), got " + Validation.show(in.host()));
        }
        if (!c.unknown(Args::password)) {
            String pw = in.password();
            Args olds = c.olds();
            if (pw != null) {
                if (pw.isEmpty()) c.fail(Args::password, "must not be empty; omit it to have one generated");
                else if (pw.indexOf('\0') >= 0) c.fail(Args::password, "must not contain NUL bytes");
                else if (pw.length() > 256) c.fail(Args::password, "must be at most 256 characters");
                else if (pw.codePointCount(0, pw.length()) > MYSQL_REPLICATION_PASSWORD_MAX) {
                    c.warn("password is longer than " + MYSQL_REPLICATION_PASSWORD_MAX + " characters: an RDS for MySQL "
                            + "instance refuses it as a replication password (error 3056, in ExternalMaster); fine for RDS "
                            + "for MariaDB. Omit password to have a " + MYSQL_REPLICATION_PASSWORD_MAX + "-character one generated");
                }
            } else if (olds != null && olds.password() != null && olds.user() != null) {
                c.set(Args::password, olds.password()); // keep the generated one
            } else if (olds == null || olds.user() == null) {
                c.set(Args::password, generatePassword()); // a new account; an imported one keeps its own
            }
        }
    }

    private static void name(Check<Args> c, io.rdsreplication.provider.core.Getter<Args, String> g, String v, int max) {
        if (v == null || c.failed(g)) return; // absent: "is required"; unknown: checked when known
        if (v.indexOf('\0') >= 0) c.fail(g, "must not contain NUL bytes");
        else if (v.codePointCount(0, v.length()) > max) {
            c.fail(g, "must be at most " + max + " characters, got " + v.codePointCount(0, v.length()));
        } else if (v.codePoints().anyMatch(ch -> ch > 0xFFFF)) {
            c.fail(g, "must not contain characters outside the Basic Multilingual Plane (such as emoji): "
                    + "account names are stored as utf8mb3 by MySQL and MariaDB");
        } else if (v.codePoints().anyMatch(ch -> Character.getType(ch) == Character.CONTROL || Character.getType(ch) == Character.FORMAT)) {
            c.fail(g, "must not contain control or invisible formatting characters (such as line breaks "
                    + "or right-to-left overrides), which make one account name look like another: got " + Validation.show(v));
        } else if (!v.equals(v.strip())) {
            c.fail(g, "must not start or end with white space (the server would trim it)");
        }
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        // a password rotates in place; an imported account without one in the state keeps its own
        if ((d.oldInputs().password() != null || d.unknown(Args::password)) && d.changed(Args::password)) {
            d.put(Args::password, DiffResult.Kind.UPDATE);
        }
        List<String> grants = d.olds().grants();
        if (grants != null && !grants.containsAll(REQUIRED_GRANTS)) d.putOutput(State::grants, DiffResult.Kind.UPDATE);
    }

    static String generatePassword() {
        StringBuilder sb = new StringBuilder(MYSQL_REPLICATION_PASSWORD_MAX);
        for (int i = 0; i < MYSQL_REPLICATION_PASSWORD_MAX; i++) sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return sb.toString();
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        String user = in.user();
        String host = in.host();
        if (preview) return new Created<>("", new State(in, null));
        if ("%".equals(host)) {
            ctx.progress().warn("host is '%': the account can connect from anywhere; the runbook asks for an account "
                    + "restricted to the replica's address or your domain");
        }
        String id = user + "@" + host;
        try (Session s = ctx.open(in.source(), "source")) {
            keepOutOfBinlog(ctx, s, "creating", user, host);
            String pw = in.password();
            s.addSecret(pw);
            var existing = s.query(UserSql.SELECT_ACCOUNT, user, host);
            boolean byHash = !existing.isEmpty() && isOwnLostAttempt(s, existing.get(0), in.plugin(), pw);
            boolean byTag = !existing.isEmpty() && !byHash && ownedBy(s, user, host, ctx.ownerTag());
            if (byHash || byTag) {
                // an earlier create of this very account whose answer was lost: finish it
                ctx.progress().info("the account '" + user + "'@'" + host + "' already exists, made by this resource "
                        + (byHash ? "(same password hash)" : "(its owner attribute)") + " in an earlier attempt whose answer was lost: taking it over");
                if (byTag) run(s, UserSql.alterPassword(s.server(), user, host, in.plugin(), passwordLiteral(s, in.plugin(), pw)));
                run(s, UserSql.grant(user, host));
                if (in.ssl()) run(s, UserSql.alterTls(user, host, true));
                return new Created<>(id, new State(in, readGrants(s, user, host)));
            }
            if (!existing.isEmpty()) {
                throw new ProviderException.Precondition("the account '" + user + "'@'" + host
                        + "' already exists on the source; to manage it, import it: pulumi import " + TOKEN
                        + " <name> '" + id + "' (or choose another user name)");
            }
            run(s, UserSql.createUser(s.server(), user, host, in.plugin(), in.ssl(), passwordLiteral(s, in.plugin(), pw), ctx.ownerTag()));
            try {
                run(s, UserSql.grant(user, host));
                return new Created<>(id, new State(in, readGrants(s, user, host)));
            } catch (ProviderException e) {
                throw initFailed(id, new State(in, List.of()), "created the account but could not grant "
                        + "REPLICATION CLIENT, REPLICATION SLAVE: " + e.getMessage()
                        + "; fix the source user's privileges (it needs GRANT OPTION) and run pulumi up again", e);
            }
        }
    }

    /**
     * Runs one account statement; the server's refusals that are about an input name that input: a plugin
     * it cannot load (MySQL 9 has no mysql_native_password; MariaDB no caching_sha2_password, MySQL no
     * ed25519) and a user name longer than MySQL's 32 characters.
     */
    private static void run(Session s, String sql) {
        try {
            s.executeVerbatim(sql);
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() == PLUGIN_NOT_LOADED) {
                throw new ProviderException.InvalidInput("authPlugin", "the source (" + s.server().flavor().label() + " "
                        + s.server().version() + ") cannot use this authentication plugin: " + e.getMessage()
                        + (s.server().isMysql() ? "; use caching_sha2_password (MySQL's default)" : "; omit authPlugin to use mysql_native_password"));
            }
            if (e.code() == READ_ONLY) {
                throw new ProviderException.Precondition("the source " + s.spec().address() + " is read-only (" + e.getMessage()
                        + "), as a Cutover leaves it: the account cannot be changed or dropped there now. Lower the fence to do it "
                        + "(SET GLOBAL super_read_only = OFF; SET GLOBAL read_only = OFF), or take the resource out of the stack "
                        + "without touching the server (pulumi state delete <urn>)", e);
            }
            if (e.code() == WRONG_STRING_LENGTH) {
                throw new ProviderException.InvalidInput("user", "is too long for the source ("
                        + s.server().flavor().label() + " " + s.server().version() + "): " + e.getMessage());
            }
            throw e;
        }
    }

    /** The password (or its hash) as a literal for this session's sql_mode, registered as a secret in that form too. */
    private static String passwordLiteral(Session s, String plugin, String password) {
        String lit = UserSql.passwordLiteral(s.server(), plugin, password, s.noBackslashEscapes());
        s.addSecret(lit.substring(1, lit.length() - 1));
        return lit;
    }

    /**
     * Turns binary logging off for this session so the account's DDL stays on the source. When the source user
     * may not, says so in the CLI: the statement then replicates to the RDS instance, where it fails (and
     * stops replication) if that account exists there.
     */
    private static void keepOutOfBinlog(Context ctx, Session s, String what, String user, String host) {
        if (s.skipBinlog()) return;
        if (!"1".equals(s.queryString("SELECT @@GLOBAL.log_bin"))) return;
        ctx.progress().warn("the source user may not turn sql_log_bin off (it needs " + (s.server().isMysql()
                ? "SYSTEM_VARIABLES_ADMIN or SESSION_VARIABLES_ADMIN" : "SUPER or BINLOG ADMIN")
                + "), so " + what + " the account '" + user + "'@'" + host + "' is written to the source's binary log "
                + "and replicates to the RDS instance; if that account exists there, replication stops with an error. "
                + "Grant that privilege to the source user to keep account changes on the source only");
    }

    /**
     * True when the existing account stores exactly this resource's password (mysql_native_password and
     * MariaDB's ed25519 are unsalted, so they can be compared without knowing anything else; MySQL's
     * caching_sha2_password is salted and never matches): a create whose answer was lost (server or
     * provider died after CREATE USER) may then be finished. Any other account is never adopted.
     */
    static boolean isOwnLostAttempt(Session s, Map<String, String> row, String plugin, String password) {
        String expected = password == null ? null : UserSql.storedHash(s.server(), plugin, password);
        if (expected == null) return false;
        String stored = row.getOrDefault("authentication_string", "");
        return !stored.isEmpty() && stored.equals(expected);
    }

    /** MySQL 8.0.21+: the account carries this resource's owner attribute (salted hashes cannot be compared). */
    static boolean ownedBy(Session s, String user, String host, String owner) {
        if (owner == null || !UserSql.hasUserAttributes(s.server())) return false;
        var rows = s.query(UserSql.SELECT_ATTRIBUTES, user, host);
        String attr = rows.isEmpty() ? null : rows.get(0).get("ATTRIBUTE");
        return attr != null && attr.replace(" ", "").contains("\"" + UserSql.OWNER_KEY + "\":\"" + owner + "\"");
    }

    private static List<String> readGrants(Session s, String user, String host) {
        var rows = s.query(UserSql.SELECT_ACCOUNT, user, host);
        if (rows.isEmpty()) return List.of();
        return grantsOf(rows.get(0));
    }

    /** Normalised privilege names from a mysql.user row (MariaDB's BINLOG MONITOR is Repl_client_priv). */
    static List<String> grantsOf(Map<String, String> row) {
        List<String> g = new ArrayList<>();
        if ("Y".equalsIgnoreCase(row.get("Repl_client_priv"))) g.add("REPLICATION CLIENT");
        if ("Y".equalsIgnoreCase(row.get("Repl_slave_priv"))) g.add("REPLICATION SLAVE");
        return g;
    }

    static String[] splitId(String id) {
        int at = id.lastIndexOf('@');
        if (at <= 0 || at == id.length() - 1) {
            throw new ProviderException.InvalidInput("id", "must be user@host, got " + id);
        }
        return new String[]{id.substring(0, at), id.substring(at + 1)};
    }

    @Override
    protected State read(Context ctx, String id, State state, Args inputs) {
        String[] uh = splitId(id);
        Args known = inputs != null && inputs.source() != null ? inputs : state.inputs();
        try (Session s = ctx.open(known.source(), "source")) {
            var rows = s.query(UserSql.SELECT_ACCOUNT, uh[0], uh[1]);
            if (rows.isEmpty()) return null;
            Map<String, String> row = rows.get(0);
            boolean ssl = !row.getOrDefault("ssl_type", "").isEmpty() && !"NONE".equalsIgnoreCase(row.get("ssl_type"));
            Args given = inputs != null ? inputs : new Args(null, null, null, null, null, null);
            String password = given.password() != null ? given.password() : state.inputs().password();
            AuthPlugin plugin = given.authPlugin();
            if (plugin != null) {
                String onServer = row.getOrDefault("plugin", "");
                for (AuthPlugin p : AuthPlugin.values()) if (p.wire().equals(onServer)) plugin = p;
            }
            Args now = new Args(given.source(), uh[0], uh[1], password, ssl, plugin);
            return new State(now, grantsOf(row));
        }
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        if (preview) return new State(news, REQUIRED_GRANTS);
        String user = news.user();
        String host = news.host();
        try (Session s = ctx.open(news.source(), "source")) {
            String pw = news.password();
            s.addSecret(pw);
            s.addSecret(olds.inputs().password());
            boolean rotate = pw != null && !pw.equals(olds.inputs().password());
            boolean ssl = news.ssl();
            boolean tls = ssl != olds.inputs().ssl();
            List<String> grants = readGrants(s, user, host);
            boolean grant = !grants.containsAll(REQUIRED_GRANTS);
            if (rotate || tls || grant) keepOutOfBinlog(ctx, s, "changing", user, host);
            if (rotate) {
                run(s, UserSql.alterPassword(s.server(), user, host, news.plugin(), passwordLiteral(s, news.plugin(), pw)));
                ctx.progress().info("rotated the password of '" + user + "'@'" + host + "'");
            }
            if (tls) run(s, UserSql.alterTls(user, host, ssl));
            if (grant) {
                run(s, UserSql.grant(user, host));
                grants = readGrants(s, user, host);
            }
            return new State(news, grants);
        }
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        String[] uh = splitId(id);
        try (Session s = ctx.open(state.inputs().source(), "source")) {
            if (s.query(UserSql.SELECT_ACCOUNT, uh[0], uh[1]).isEmpty()) return; // already gone: nothing to log or replicate
            keepOutOfBinlog(ctx, s, "dropping", uh[0], uh[1]);
            run(s, UserSql.dropUser(uh[0], uh[1]));
        } catch (SqlErrors.SqlFailure e) {
            if (e.code() != SqlErrors.CANNOT_USER) throw e;
        }
    }
}
