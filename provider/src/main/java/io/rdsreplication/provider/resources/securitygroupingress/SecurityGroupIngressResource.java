package io.rdsreplication.provider.resources.securitygroupingress;

import io.rdsreplication.provider.aws.AwsErrors;
import io.rdsreplication.provider.aws.Instances;
import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.Context;
import io.rdsreplication.provider.core.DiffResult;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.core.Props;
import io.rdsreplication.provider.core.Resource;
import io.rdsreplication.provider.core.Unknown;
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
import java.util.Set;
import java.util.regex.Pattern;

/** rdsreplication:index:SecurityGroupIngress — one TCP ingress rule from the source into the RDS security group. */
public final class SecurityGroupIngressResource implements Resource {
    public static final String TOKEN = "rdsreplication:index:SecurityGroupIngress";
    private static final Pattern CIDR4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern SG_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern DB_ID = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");
    /**
     * Tag that marks a rule as made by this resource (a hash of its URN). When an earlier attempt timed out after
     * AWS had accepted it, the next create finds the rule by this tag and takes it over instead of failing as a
     * duplicate; a rule without it is never adopted. Hidden from `tags`.
     */
    static final String OWNER_TAG = "rdsreplication:owner";

    @Override
    public String token() {
        return TOKEN;
    }

    @Override
    public CheckResult check(Props olds, Props news) {
        List<CheckFailure> f = new ArrayList<>();
        boolean sg = news.has("securityGroupId") || news.isUnknown("securityGroupId");
        boolean db = news.has("dbInstanceIdentifier") || news.isUnknown("dbInstanceIdentifier");
        if (sg == db) {
            f.add(new CheckFailure(sg ? "securityGroupId" : "dbInstanceIdentifier",
                    "give exactly one of securityGroupId and dbInstanceIdentifier"));
        }
        if (news.known("securityGroupId") && !SG_ID.matcher(news.string("securityGroupId")).matches()) {
            f.add(new CheckFailure("securityGroupId", "must look like sg-0123456789abcdef0"));
        }
        if (news.known("dbInstanceIdentifier") && !DB_ID.matcher(news.string("dbInstanceIdentifier")).matches()) {
            f.add(new CheckFailure("dbInstanceIdentifier", "must be 1-63 letters, digits or hyphens, starting with a letter"));
        }
        if (!news.isUnknown("sourceCidr")) {
            String cidr = news.string("sourceCidr");
            String why = cidr == null ? "is required (the external source's address, e.g. 203.0.113.10/32)" : cidrProblem(cidr);
            if (why != null) f.add(new CheckFailure("sourceCidr", why));
        }
        if (news.known("port")) {
            int port = news.integer("port");
            if (port < 1 || port > 65535) f.add(new CheckFailure("port", "must be between 1 and 65535, got " + port));
        }
        if (news.known("description")) {
            String d = news.string("description");
            if (d.length() > 255 || !d.matches("[A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*")) {
                f.add(new CheckFailure("description", "must be at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"));
            }
        }
        if (news.known("tags")) {
            Map<String, String> tags = news.stringMap("tags");
            for (var e : tags.entrySet()) {
                if (e.getKey().equals(OWNER_TAG)) {
                    f.add(new CheckFailure("tags." + e.getKey(), "is reserved for the provider's own bookkeeping"));
                } else if (e.getKey().isEmpty() || e.getKey().length() > 128 || e.getKey().startsWith("aws:")) {
                    f.add(new CheckFailure("tags." + e.getKey(), "tag keys must be 1-128 characters and not start with aws:"));
                }
                if (e.getValue().length() > 256) f.add(new CheckFailure("tags." + e.getKey(), "tag values must be at most 256 characters"));
            }
        }
        return new CheckResult(news.copy(), f);
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
    public DiffResult diff(String id, Props olds, Props news) {
        DiffResult.Builder b = DiffResult.compare(olds, news, List.of("dbInstanceIdentifier", "sourceCidr",
                "description", "tags"), Set.of("dbInstanceIdentifier", "sourceCidr"));
        // securityGroupId and port are outputs too (resolved from the instance): compare them only when given
        for (String k : List.of("securityGroupId", "port")) {
            if ((news.has(k) || news.isUnknown(k))
                    && (!DiffResult.equalValues(olds.raw(k), news.raw(k)) || news.isUnknown(k))) {
                b.put(k, DiffResult.Kind.UPDATE_REPLACE);
            }
        }
        return b.build();
    }

    @Override
    public CreateResult create(Context ctx, Props in, boolean preview) {
        Map<String, Object> out = in.copy();
        if (preview) {
            for (String k : List.of("securityGroupRuleId", "endpointAddress", "endpointIps")) out.put(k, Unknown.VALUE);
            if (!in.has("securityGroupId")) out.put("securityGroupId", Unknown.VALUE);
            if (!in.has("port")) out.put("port", Unknown.VALUE);
            return new CreateResult("", out);
        }
        Target t = resolve(ctx, in);
        Ec2Client ec2 = ctx.aws().ec2();
        String cidr = in.string("sourceCidr");
        IpRange.Builder range = IpRange.builder().cidrIp(cidr);
        if (in.has("description")) range.description(in.string("description"));
        var req = software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest.builder()
                .groupId(t.groupId)
                .ipPermissions(IpPermission.builder().ipProtocol("tcp").fromPort(t.port).toPort(t.port)
                        .ipRanges(range.build()).build());
        Map<String, String> tags = new LinkedHashMap<>(in.stringMap("tags") == null ? Map.of() : in.stringMap("tags"));
        String owner = owner(ctx.urn());
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
                    return created(out, existing, t);
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
            resp = resp.toBuilder().securityGroupRules(SecurityGroupRule.builder().securityGroupRuleId(existing).build()).build();
        }
        return created(out, resp.securityGroupRules().get(0).securityGroupRuleId(), t);
    }

    private static CreateResult created(Map<String, Object> out, String ruleId, Target t) {
        out.put("securityGroupRuleId", ruleId);
        out.put("securityGroupId", t.groupId);
        out.put("port", (double) t.port);
        out.put("endpointAddress", t.address);
        out.put("endpointIps", Instances.resolve(t.address));
        return new CreateResult(ruleId, out);
    }

    static String owner(String urn) {
        if (urn == null || urn.isEmpty()) return null;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(urn.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Target(String groupId, int port, String address) {
    }

    private static Target resolve(Context ctx, Props in) {
        if (in.has("dbInstanceIdentifier")) {
            var inst = Instances.describe(ctx.aws().rds(), in.string("dbInstanceIdentifier"));
            if (!inst.hasVpcSecurityGroups() || inst.vpcSecurityGroups().isEmpty()) {
                throw new ProviderException.Precondition("DB instance " + inst.dbInstanceIdentifier()
                        + " has no VPC security group; give securityGroupId instead");
            }
            int port = in.has("port") ? in.integer("port")
                    : inst.endpoint() != null && inst.endpoint().port() != null ? inst.endpoint().port()
                    : inst.dbInstancePort() != null && inst.dbInstancePort() > 0 ? inst.dbInstancePort() : 3306;
            String address = inst.endpoint() == null ? "" : inst.endpoint().address();
            return new Target(inst.vpcSecurityGroups().get(0).vpcSecurityGroupId(), port, address == null ? "" : address);
        }
        return new Target(in.string("securityGroupId"), in.integer("port", 3306), "");
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
    public ReadResult read(Context ctx, String id, Props state, Props inputs) {
        if (!id.startsWith("sgr-")) throw new ProviderException.InvalidInput("id", "must be a security group rule id like sgr-0123456789abcdef0");
        SecurityGroupRule r = describe(ctx.aws().ec2(), id);
        if (r == null) return ReadResult.gone();
        Map<String, Object> in = inputs.copy();
        if (!in.containsKey("dbInstanceIdentifier") || in.get("dbInstanceIdentifier") == null) {
            in.put("securityGroupId", r.groupId());
        }
        in.put("sourceCidr", r.cidrIpv4());
        if (in.get("port") != null || !inputs.has("dbInstanceIdentifier")) in.put("port", (double) r.fromPort());
        if (r.description() != null && !r.description().isEmpty()) in.put("description", r.description());
        else in.remove("description");
        Map<String, Object> tags = new LinkedHashMap<>();
        if (r.hasTags()) r.tags().forEach(t -> {
            if (!t.key().equals(OWNER_TAG)) tags.put(t.key(), t.value());
        });
        if (!tags.isEmpty()) in.put("tags", tags);
        else in.remove("tags");
        Map<String, Object> out = state.copy();
        out.putAll(in);
        out.put("securityGroupRuleId", id);
        out.put("securityGroupId", r.groupId());
        out.put("port", (double) r.fromPort());
        if (!out.containsKey("endpointAddress")) out.put("endpointAddress", "");
        out.put("endpointIps", Instances.resolve((String) out.getOrDefault("endpointAddress", "")));
        return new ReadResult(id, out, in);
    }

    @Override
    public Map<String, Object> update(Context ctx, String id, Props olds, Props news, boolean preview) {
        Map<String, Object> out = olds.copy();
        out.putAll(news.asMap());
        if (preview) return out;
        Ec2Client ec2 = ctx.aws().ec2();
        try {
            if (!DiffResult.equalValues(olds.raw("description"), news.raw("description"))) {
                ec2.modifySecurityGroupRules(b -> b.groupId(olds.string("securityGroupId")).securityGroupRules(
                        SecurityGroupRuleUpdate.builder().securityGroupRuleId(id).securityGroupRule(
                                SecurityGroupRuleRequest.builder().ipProtocol("tcp")
                                        .fromPort(olds.integer("port")).toPort(olds.integer("port"))
                                        .cidrIpv4(olds.string("sourceCidr"))
                                        .description(news.string("description", "")).build()).build()));
            }
            Map<String, String> oldTags = olds.stringMap("tags") == null ? Map.of() : olds.stringMap("tags");
            Map<String, String> newTags = news.stringMap("tags") == null ? Map.of() : news.stringMap("tags");
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
        out.put("securityGroupRuleId", id);
        return out;
    }

    @Override
    public void delete(Context ctx, String id, Props state) {
        try {
            ctx.aws().ec2().revokeSecurityGroupIngress(b -> b.groupId(state.string("securityGroupId")).securityGroupRuleIds(id));
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) return;
            throw AwsErrors.wrap(e, "RevokeSecurityGroupIngress " + id);
        }
    }
}
