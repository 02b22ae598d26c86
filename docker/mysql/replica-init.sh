#!/bin/sh
# Runs once in each replica container: points it at the primary and starts replicating.
# The primary's binary log position is read at that moment; the app schema and user are
# created on the primary afterwards (by its own init) or exist already, and replicate here.
set -eu
until mysql -h"$PRIMARY_HOST" -uroot -p"$MYSQL_ROOT_PASSWORD" -e 'SELECT 1' >/dev/null 2>&1; do sleep 2; done
mysql -h"$PRIMARY_HOST" -uroot -p"$MYSQL_ROOT_PASSWORD" -e "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY '${REPLICATION_PASSWORD}'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';"
mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -e "CHANGE REPLICATION SOURCE TO SOURCE_HOST='${PRIMARY_HOST}', SOURCE_USER='repl', SOURCE_PASSWORD='${REPLICATION_PASSWORD}', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1; START REPLICA;"
