CREATE ROLE "ap_finance_analysts_read" IN "hive";
GRANT SELECT ON TABLE "hive"."sales"."customers" TO ROLE "ap_finance_analysts_read";
GRANT SELECT ON TABLE "hive"."sales"."orders" TO ROLE "ap_finance_analysts_read";
GRANT "ap_finance_analysts_read" TO USER "alice", USER "bob" IN "hive";
GRANT INSERT, DELETE, UPDATE ON TABLE "hive"."sales"."orders" TO ROLE "ap_finance_analysts_read";
GRANT "ap_finance_analysts_read" TO USER "carol" IN "hive";
REVOKE "ap_finance_analysts_read" FROM USER "bob" IN "hive";
REVOKE SELECT ON TABLE "hive"."sales"."customers" FROM ROLE "ap_finance_analysts_read";
DROP ROLE "ap_finance_analysts_read" IN "hive";
