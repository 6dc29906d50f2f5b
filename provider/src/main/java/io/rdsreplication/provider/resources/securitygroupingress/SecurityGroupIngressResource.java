package io.rdsreplication.provider.resources.securitygroupingress;

import io.rdsreplication.provider.aws.AwsErrors;
import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.Changes;
import io.rdsreplication.provider.core.Check;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.Inputs;
import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.SchemaType;
import io.rdsreplication.provider.core.TypedResource;
import io.rdsreplication.provider.resources.Context;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** rdsreplication:index:SecurityGroupIngress — one TCP ingress rule from the source into the RDS security group. */
@SchemaType(token = SecurityGroupIngressResource.TOKEN, description = "Opens the RDS instance's VPC security group to the external source (runbook step 5): one TCP ingress rule from `sourceCidr`. Outputs the RDS endpoint address and the IP addresses it resolves to, which the source-side firewall must allow (the runbook's `host` step). Import with the rule id `sgr-…`.")
public final class SecurityGroupIngressResource extends TypedResource<Context, SecurityGroupIngressResource.Args, SecurityGroupIngressResource.State> {
    public static final String TOKEN = "rdsreplication:index:SecurityGroupIngress";

    public record Args(
            @Prop(value = "VPC security group to open. Give this or `dbInstanceIdentifier`, not both. Changing it replaces the rule.", always = true, replaces = true, customDiff = true)
            String securityGroupId,
            @Prop(value = "RDS DB instance whose first VPC security group and port are used (resolved with DescribeDBInstances). Changing it replaces the rule.", replaces = true)
            String dbInstanceIdentifier,
            @Prop(value = "IPv4 CIDR of the external source server, usually a `/32`. Changing it replaces the rule.", required = true, replaces = true,
                    hint = " (the external source's address, e.g. 203.0.113.10/32)")
            String sourceCidr,
            @Prop(value = "TCP port to open. Defaults to the DB instance's port, else 3306. Changing it replaces the rule.", always = true, replaces = true, customDiff = true, min = 1, max = 65535)
            Integer port,
            @Prop("Description of the rule. Changed in place.")
            String description,
            @Prop("Tags of the security group rule. Changed in place.")
            Map<String, String> tags) {
    }

    public record State(
            @Inputs Args inputs,
            @Prop(value = "The `sgr-` id of the rule.", always = true)
            String securityGroupRuleId,
            @Prop("Address of the RDS endpoint, when `dbInstanceIdentifier` is given.")
            String endpointAddress,
            @Prop(value = "IP addresses the endpoint resolves to now (empty when it does not resolve). A Multi-AZ failover can change them.", always = true)
            List<String> endpointIps) {
    }

    private static final Pattern CIDR4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern SG_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern DB_ID = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");
    /**
     * Tag that marks a rule as made by this resource (a hash of its URN). When an earlier attempt timed out after
     * AWS had accepted it, the next create finds the rule by this tag and takes it over instead of failing as a
     * duplicate; a rule without it is never adopted. Hidden from `tags`.
     */
    static final String OWNER_TAG = "rdsreplication:owner";

    public SecurityGroupIngressResource() {
        super(Args.class, State.class, false);
    }

    @Override
    protected void check(Check<Args> c) {
        Args in = c.news();
        boolean sg = c.given(Args::securityGroupId);
        boolean db = c.given(Args::dbInstanceIdentifier);
        if (sg == db) {
            if (sg) c.fail(Args::securityGroupId, "give exactly one of securityGroupId and dbInstanceIdentifier");
            else c.fail(Args::dbInstanceIdentifier, "give exactly one of securityGroupId and dbInstanceIdentifier");
        }
        if (in.securityGroupId() != null && !SG_ID.matcher(in.securityGroupId()).matches()) {
            c.fail(Args::securityGroupId, "must look like sg-0123456789abcdef0");
        }
        if (in.dbInstanceIdentifier() != null && !DB_ID.matcher(in.dbInstanceIdentifier()).matches()) {
            c.fail(Args::dbInstanceIdentifier, "must be 1-63 letters, digits or hyphens, starting with a letter");
        }
        if (in.sourceCidr() != null && !in.sourceCidr().isEmpty()) {
            String why = cidrProblem(in.sourceCidr());
            if (why != null) c.fail(Args::sourceCidr, why);
        }
        if (in.description() != null) {
            String d = in.description();
            if (d.length() > 255 || !d.matches("[A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*")) {
                c.fail(Args::description, "must be at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*");
            }
        }
        if (in.tags() != null) {
            for (var e : in.tags().entrySet()) {
                if (e.getKey().equals(OWNER_TAG)) {
                    c.failEntry(Args::tags, e.getKey(), "is reserved for the provider's own bookkeeping");
                } else if (e.getKey().isEmpty() || e.getKey().length() > 128 || e.getKey().startsWith("aws:")) {
                    c.failEntry(Args::tags, e.getKey(), "tag keys must be 1-128 characters and not start with aws:");
                }
                if (e.getValue().length() > 256) c.failEntry(Args::tags, e.getKey(), "tag values must be at most 256 characters");
            }
        }
    }

    static String cidrProblem(String cidr) {
        var m = CIDR4.matcher(cidr);
        if (!m.matches()) return "must be an IPv4 CIDR like 203.0.113.10/32, got " + io.rdsreplication.provider.mysql.Validation.show(cidr);
        long addr = 0;
        for (int i = 1; i <= 4; i++) {
            int o = Integer.parseInt(m.group(i));
            if (o > 255) return "octet " + o + " is out of range in " + cidr;
            addr = addr << 8 | o;
        }
        int bits = Integer.parseInt(m.group(5));
        if (bits > 32) return "prefix length must be 0-32, got /" + bits;
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        if ((addr & ~mask & 0xFFFFFFFFL) != 0) return "has host bits set; did you mean " + network(addr & mask, bits) + "?";
        return null;
    }

    private static String network(long a, int bits) {
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255) + "/" + bits;
    }

    @Override
    protected void diff(Changes<Args, State> d) {
        // securityGroupId and port are outputs too (resolved from the instance): compare them only when given
        if (d.decodedNews().given(Args::securityGroupId) && d.changed(Args::securityGroupId)) {
            d.put(Args::securityGroupId, DiffResult.Kind.UPDATE_REPLACE);
        }
        if (d.decodedNews().given(Args::port) && d.changed(Args::port)) d.put(Args::port, DiffResult.Kind.UPDATE_REPLACE);
    }

    @Override
    protected Created<State> create(Context ctx, Args in, boolean preview) {
        if (preview) return new Created<>("", new State(in, null, null, null));
        Target t = resolve(ctx, in);
        Ec2Client ec2 = ctx.aws().ec2();
        String cidr = in.sourceCidr();
        IpRange.Builder range = IpRange.builder().cidrIp(cidr);
        if (in.description() != null) range.description(in.description());
        var req = software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest.builder()
                .groupId(t.groupId)
                .ipPermissions(IpPermission.builder().ipProtocol("tcp").fromPort(t.port).toPort(t.port)
                        .ipRanges(range.build()).build());
        Map<String, String> tags = new LinkedHashMap<>(in.tags() == null ? Map.of() : in.tags());
        String owner = ctx.ownerTag();
        if (owner != null) tags.put(OWNER_TAG, owner);
        if (!tags.isEmpty()) {
            req.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP_RULE)
                    .tags(toTags(tags)).build());
        }
        AuthorizeSecurityGroupIngressResponse resp;
        try {
            resp = ec2.authorizeSecurityGroupIngress(req.build());
        } catch (SdkException e) {
            if ("InvalidPermission.Duplicate".equals(AwsErrors.code(e))) {
                String existing = findRule(ec2, t.groupId, cidr, t.port);
                SecurityGroupRule mine = existing == null ? null : describe(ec2, existing);
                if (mine != null && owner != null && mine.hasTags()
                        && mine.tags().stream().anyMatch(x -> x.key().equals(OWNER_TAG) && owner.equals(x.value()))) {
                    ctx.progress().info("took over " + existing + ", created by an earlier attempt of this resource that timed out");
                    return created(in, existing, t);
                }
                throw new ProviderException.Precondition("security group " + t.groupId + " already allows tcp/" + t.port
                        + " from " + cidr + (existing == null ? "" : " (rule " + existing + "); to manage that rule, import it: "
                        + "pulumi import " + TOKEN + " <name> " + existing));
            }
            throw AwsErrors.wrap(e, "AuthorizeSecurityGroupIngress on " + t.groupId);
        }
        if (!resp.hasSecurityGroupRules() || resp.securityGroupRules().isEmpty()) {
            String existing = findRule(ec2, t.groupId, cidr, t.port);
            if (existing == null) {
                throw new ProviderException.Precondition("AuthorizeSecurityGroupIngress returned no rule id for " + t.groupId);
            }
            return created(in, existing, t);
        }
        return created(in, resp.securityGroupRules().get(0).securityGroupRuleId(), t);
    }

    private static Created<State> created(Args in, String ruleId, Target t) {
        Args resolved = new Args(t.groupId, in.dbInstanceIdentifier(), in.sourceCidr(), t.port, in.description(), in.tags());
        return new Created<>(ruleId, new State(resolved, ruleId, t.address, Instances.resolve(t.address)));
    }

    private record Target(String groupId, int port, String address) {
    }

    private static Target resolve(Context ctx, Args in) {
        if (in.dbInstanceIdentifier() != null) {
            var inst = Instances.describe(ctx.aws().rds(), in.dbInstanceIdentifier());
            if (!inst.hasVpcSecurityGroups() || inst.vpcSecurityGroups().isEmpty()) {
                throw new ProviderException.Precondition("DB instance " + inst.dbInstanceIdentifier()
                        + " has no VPC security group; give securityGroupId instead");
            }
            int port = in.port() != null ? in.port()
                    : inst.endpoint() != null && inst.endpoint().port() != null ? inst.endpoint().port()
                    : inst.dbInstancePort() != null && inst.dbInstancePort() > 0 ? inst.dbInstancePort() : 3306;
            String address = inst.endpoint() == null ? "" : inst.endpoint().address();
            return new Target(inst.vpcSecurityGroups().get(0).vpcSecurityGroupId(), port, address == null ? "" : address);
        }
        return new Target(in.securityGroupId(), in.port() == null ? 3306 : in.port(), "");
    }

    private static String findRule(Ec2Client ec2, String groupId, String cidr, int port) {
        try {
            for (SecurityGroupRule r : ec2.describeSecurityGroupRules(b -> b.filters(
                    Filter.builder().name("group-id").values(groupId).build())).securityGroupRules()) {
                if (!Boolean.TRUE.equals(r.isEgress()) && cidr.equals(r.cidrIpv4()) && r.fromPort() != null
                        && r.fromPort() == port && r.toPort() != null && r.toPort() == port) {
                    return r.securityGroupRuleId();
                }
            }
        } catch (SdkException e) {
            return null;
        }
        return null;
    }

    private static List<Tag> toTags(Map<String, String> tags) {
        List<Tag> out = new ArrayList<>();
        tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
        return out;
    }

    private static SecurityGroupRule describe(Ec2Client ec2, String ruleId) {
        try {
            var rules = ec2.describeSecurityGroupRules(b -> b.securityGroupRuleIds(ruleId)).securityGroupRules();
            return rules.isEmpty() ? null : rules.get(0);
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) return null;
            throw AwsErrors.wrap(e, "DescribeSecurityGroupRules " + ruleId);
        }
    }

    @Override
    protected State read(Context ctx, String id, State state, Args inputs) {
        if (!id.startsWith("sgr-")) throw new ProviderException.InvalidInput("id", "must be a security group rule id like sgr-0123456789abcdef0");
        SecurityGroupRule r = describe(ctx.aws().ec2(), id);
        if (r == null) return null;
        Args given = inputs != null ? inputs : new Args(null, null, null, null, null, null);
        Map<String, String> tags = new LinkedHashMap<>();
        if (r.hasTags()) r.tags().forEach(t -> {
            if (!t.key().equals(OWNER_TAG)) tags.put(t.key(), t.value());
        });
        Args now = new Args(r.groupId(), given.dbInstanceIdentifier(), r.cidrIpv4(), r.fromPort(),
                r.description() == null || r.description().isEmpty() ? null : r.description(), tags.isEmpty() ? null : tags);
        String address = state.endpointAddress() == null ? "" : state.endpointAddress();
        return new State(now, id, address, Instances.resolve(address));
    }

    /** With dbInstanceIdentifier the group and port are resolved: the inputs keep them only when the program gave them. */
    @Override
    protected Args refreshedInputs(State now, Args given) {
        Args in = now.inputs();
        if (in.dbInstanceIdentifier() == null) return in;
        return new Args(given == null ? null : given.securityGroupId(), in.dbInstanceIdentifier(), in.sourceCidr(),
                given == null ? null : given.port() == null ? null : in.port(), in.description(), in.tags());
    }

    @Override
    protected State update(Context ctx, String id, State olds, Args news, boolean preview) {
        Args was = olds.inputs();
        // the group and port stay as resolved when the program does not give them
        Args in = new Args(news.securityGroupId() != null ? news.securityGroupId() : was.securityGroupId(),
                news.dbInstanceIdentifier(), news.sourceCidr(), news.port() != null ? news.port() : was.port(),
                news.description(), news.tags());
        State out = new State(in, id, olds.endpointAddress(), olds.endpointIps());
        if (preview) return out;
        Ec2Client ec2 = ctx.aws().ec2();
        try {
            if (!Objects.equals(was.description(), news.description())) {
                ec2.modifySecurityGroupRules(b -> b.groupId(was.securityGroupId()).securityGroupRules(
                        SecurityGroupRuleUpdate.builder().securityGroupRuleId(id).securityGroupRule(
                                SecurityGroupRuleRequest.builder().ipProtocol("tcp")
                                        .fromPort(was.port()).toPort(was.port())
                                        .cidrIpv4(was.sourceCidr())
                                        .description(news.description() == null ? "" : news.description()).build()).build()));
            }
            Map<String, String> oldTags = was.tags() == null ? Map.of() : was.tags();
            Map<String, String> newTags = news.tags() == null ? Map.of() : news.tags();
            List<Tag> remove = new ArrayList<>();
            oldTags.forEach((k, v) -> {
                if (!newTags.containsKey(k) && !k.equals(OWNER_TAG)) remove.add(Tag.builder().key(k).build());
            });
            if (!remove.isEmpty()) ec2.deleteTags(b -> b.resources(id).tags(remove));
            Map<String, String> add = new LinkedHashMap<>();
            newTags.forEach((k, v) -> {
                if (!v.equals(oldTags.get(k))) add.put(k, v);
            });
            if (!add.isEmpty()) ec2.createTags(b -> b.resources(id).tags(toTags(add)));
        } catch (SdkException e) {
            throw AwsErrors.wrap(e, "updating security group rule " + id);
        }
        return out;
    }

    @Override
    protected void delete(Context ctx, String id, State state) {
        try {
            ctx.aws().ec2().revokeSecurityGroupIngress(b -> b.groupId(state.inputs().securityGroupId()).securityGroupRuleIds(id));
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) return;
            throw AwsErrors.wrap(e, "RevokeSecurityGroupIngress " + id);
        }
    }
}
