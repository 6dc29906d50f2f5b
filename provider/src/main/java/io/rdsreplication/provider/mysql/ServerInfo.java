package io.rdsreplication.provider.mysql;

/** Flavour and version of a server, probed once per connection. */
public record ServerInfo(Flavor flavor, int major, int minor, int patch, String version) {
    public enum Flavor {
        MARIADB, MYSQL;

        public String label() {
            return name().toLowerCase();
        }
    }

    public static ServerInfo parse(String version) {
        Flavor flavor = version.toLowerCase().contains("mariadb") ? Flavor.MARIADB : Flavor.MYSQL;
        String v = version;
        // MariaDB once prefixed "5.5.5-" for old clients.
        if (v.startsWith("5.5.5-")) v = v.substring(6);
        int[] parts = new int[3];
        String[] nums = v.split("[^0-9]+", 4);
        for (int i = 0; i < 3 && i < nums.length; i++) {
            try {
                parts[i] = Integer.parseInt(nums[i]);
            } catch (NumberFormatException e) {
                parts[i] = 0;
            }
        }
        return new ServerInfo(flavor, parts[0], parts[1], parts[2], version);
    }

    public static ServerInfo of(Flavor flavor, String version) {
        ServerInfo p = parse(version);
        return new ServerInfo(flavor, p.major, p.minor, p.patch, version);
    }

    public boolean atLeast(int maj, int min, int pat) {
        if (major != maj) return major > maj;
        if (minor != min) return minor > min;
        return patch >= pat;
    }

    public boolean isMariadb() {
        return flavor == Flavor.MARIADB;
    }

    public boolean isMysql() {
        return flavor == Flavor.MYSQL;
    }
}
