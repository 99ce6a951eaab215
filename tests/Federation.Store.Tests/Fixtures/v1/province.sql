BEGIN TRANSACTION;
CREATE TABLE c_assistance (child_id TEXT NOT NULL, period TEXT NOT NULL, recognition_id TEXT NOT NULL, citizen_id TEXT NOT NULL, difficulty_type TEXT NOT NULL, recognized_date TEXT NOT NULL, exit_date TEXT NOT NULL, exit_reason TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, recognition_id)) WITHOUT ROWID;
INSERT INTO "c_assistance" VALUES('city-440100','2026-10-31','0000000005','44011220030316204X','disabled','2021-11-09','','','440118',1);
INSERT INTO "c_assistance" VALUES('city-440100','2026-10-31','0000000009','440115197409049250','long_term_unemployed','2018-03-26','2020-05-01','unit','440117',1);
CREATE TABLE c_benefits (child_id TEXT NOT NULL, period TEXT NOT NULL, benefit_id TEXT NOT NULL, citizen_id TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, monthly_amount TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, benefit_id)) WITHOUT ROWID;
INSERT INTO "c_benefits" VALUES('city-440100','2026-10-31','0000000014','440112197410146454','2025-02-07','2025-07-19','1987.50','440105',1);
INSERT INTO "c_benefits" VALUES('city-440100','2026-10-31','0000000022','440106198611115950','2019-12-18','2020-07-11','2254.50','440111',1);
INSERT INTO "c_benefits" VALUES('city-440100','2026-10-31','0000000032','440105197807099824','2021-03-14','2023-02-27','2167.50','440105',1);
INSERT INTO "c_benefits" VALUES('city-440100','2026-10-31','0000000040','440104196904132680','2023-12-08','','1747.50','440104',1);
INSERT INTO "c_benefits" VALUES('city-440100','2026-10-31','0000000046','44010419970925925X','2018-10-05','','1815.50','440118',1);
CREATE TABLE c_certificates (child_id TEXT NOT NULL, period TEXT NOT NULL, certificate_number TEXT NOT NULL, citizen_id TEXT NOT NULL, issue_date TEXT NOT NULL, issuing_division TEXT NOT NULL, cancel_date TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, certificate_number)) WITHOUT ROWID;
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401032024000011','440112196908148276','2024-02-19','440103','','440103',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401041023000001','440103200708278159','2023-12-28','440104','','440104',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401041023000016','440104196904132680','2023-05-21','440104','','440104',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401042018000021','440105197205013237','2018-04-15','440104','','440104',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401042018000029','440103198910082395','2018-10-08','440104','','440104',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401051017000006','440117199911260627','2017-04-18','440105','','440105',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401051019000019','440103196905173189','2019-12-15','440105','','440105',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401051022000005','440112197410146454','2022-10-14','440105','','440105',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401051022000007','440106200301161089','2022-03-16','440105','','440105',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401052018000013','440105197807099824','2018-12-16','440105','','440105',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401061019000024','440118198304051980','2019-06-13','440106','','440106',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401061021000026','440106198506168305','2021-11-06','440106','','440106',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401061025000012','44011120071229475X','2025-07-09','440106','','440106',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401062023000028','440118200511066966','2023-02-27','440106','','440106',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401111022000014','44011419870601217X','2022-10-01','440111','','440111',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401112018000009','440106198611115950','2018-07-18','440111','','440111',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401121016000008','440106197207263308','2016-09-11','440112','','440112',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401121020000030','440114200401061894','2020-05-21','440112','','440112',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401122025000025','440104200608042698','2025-10-27','440112','','440112',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401122026000023','440106198707195908','2026-05-12','440112','','440112',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401132020000017','440105198707189691','2020-08-02','440113','','440113',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401132025000015','440115200901206291','2025-12-02','440113','','440113',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401141023000027','440118200709209256','2023-11-14','440114','','440114',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401151026000003','440104201003046287','2026-04-08','440115','','440115',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401171017000004','440115197409049250','2017-11-20','440117','','440117',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401171023000010','440118198212204652','2023-05-14','440117','','440117',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401171026000022','440112201002126701','2026-06-01','440117','','440117',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401181017000018','44010419970925925X','2017-01-14','440118','','440118',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401182020000002','44011220030316204X','2020-04-02','440118','','440118',1);
INSERT INTO "c_certificates" VALUES('city-440100','2026-10-31','4401182021000020','440113199205057714','2021-08-05','440118','','440118',1);
CREATE TABLE c_employers (child_id TEXT NOT NULL, period TEXT NOT NULL, credit_code TEXT NOT NULL, name TEXT NOT NULL, industry TEXT NOT NULL, division TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, credit_code)) WITHOUT ROWID;
INSERT INTO "c_employers" VALUES('city-440100','2026-10-31','91440104UCQAT0PH5L','周艳有限公司','C13','440104','440104',1);
INSERT INTO "c_employers" VALUES('city-440100','2026-10-31','91440111UL1BL1XTTJ','吴红有限公司','G54','440111','440111',1);
INSERT INTO "c_employers" VALUES('city-440100','2026-10-31','91440114WJRM5LAN08','周敏有限公司','C18','440114','440114',1);
INSERT INTO "c_employers" VALUES('city-440100','2026-10-31','914401180ENP93522P','何静有限公司','H62','440118','440118',1);
INSERT INTO "c_employers" VALUES('city-440100','2026-10-31','91440118UL32JXNHRK','张强有限公司','P83','440118','440118',1);
CREATE TABLE c_employment (child_id TEXT NOT NULL, period TEXT NOT NULL, registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, form TEXT NOT NULL, employer_credit_code TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, registration_id)) WITHOUT ROWID;
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000002','440103200708278159','unit','91440111UL1BL1XTTJ','2025-02-06','','440104',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000003','44011220030316204X','unit','91440118UL32JXNHRK','2020-04-02','2021-09-29','440118',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000006','440104201003046287','unit','914401180ENP93522P','2026-04-08','','440115',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000007','440115197409049250','self','91440114WJRM5LAN08','2017-11-20','2018-01-31','440117',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000010','440115197409049250','unit','914401180ENP93522P','2020-05-01','','440117',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000011','440112197410146454','flexible','','2022-10-14','2024-12-22','440105',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000015','440112197410146454','unit','91440118UL32JXNHRK','2025-07-26','','440105',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000016','440117199911260627','unit','91440111UL1BL1XTTJ','2017-04-18','','440105',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000017','440106200301161089','unit','914401180ENP93522P','2022-03-16','','440105',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000019','440106197207263308','unit','91440104UCQAT0PH5L','2018-04-11','','440112',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000020','440106198611115950','unit','91440104UCQAT0PH5L','2018-07-18','2019-12-06','440111',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000023','440106198611115950','unit','91440111UL1BL1XTTJ','2020-07-25','','440111',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000024','440118198212204652','unit','91440111UL1BL1XTTJ','2023-05-14','2025-03-14','440117',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000026','440118198212204652','unit','914401180ENP93522P','2025-06-26','','440117',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000027','440112196908148276','unit','91440118UL32JXNHRK','2024-02-19','','440103',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000030','440105197807099824','unit','914401180ENP93522P','2020-03-06','2021-03-04','440105',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000033','44011419870601217X','self','91440114WJRM5LAN08','2022-10-01','2024-07-26','440111',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000035','44011419870601217X','unit','91440104UCQAT0PH5L','2026-01-15','','440111',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000036','440115200901206291','flexible','','2025-12-02','','440113',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000037','440104196904132680','flexible','','2023-05-21','2023-12-04','440104',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000042','440105198707189691','unit','91440111UL1BL1XTTJ','2022-07-03','2023-06-11','440113',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000044','44010419970925925X','unit','91440111UL1BL1XTTJ','2017-01-14','2018-08-19','440118',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000047','440103196905173189','self','914401180ENP93522P','2019-12-15','2020-05-29','440105',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000050','440113199205057714','unit','91440111UL1BL1XTTJ','2022-08-15','2023-08-21','440118',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000052','440105197205013237','unit','91440114WJRM5LAN08','2018-04-15','2019-12-01','440104',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000054','440105197205013237','flexible','','2022-06-23','','440104',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000055','440112201002126701','unit','91440118UL32JXNHRK','2026-06-01','','440117',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000056','440106198707195908','unit','914401180ENP93522P','2026-05-12','','440112',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000057','440118198304051980','unit','91440118UL32JXNHRK','2019-06-13','2021-08-26','440106',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000059','440118198304051980','unit','91440118UL32JXNHRK','2023-09-04','','440106',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000062','440118200709209256','unit','91440104UCQAT0PH5L','2023-11-14','','440114',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000064','440118200511066966','unit','91440114WJRM5LAN08','2023-02-27','2025-05-02','440106',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000066','440103198910082395','self','91440104UCQAT0PH5L','2018-10-08','','440104',1);
INSERT INTO "c_employment" VALUES('city-440100','2026-10-31','0000000067','440114200401061894','unit','91440114WJRM5LAN08','2020-05-21','2021-04-29','440112',1);
CREATE TABLE c_persons (child_id TEXT NOT NULL, period TEXT NOT NULL, citizen_id TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL, household_division TEXT NOT NULL, household_nature TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, citizen_id)) WITHOUT ROWID;
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440103196905173189','刘鹏','2','1969-05-17','440103','1','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440103198807221190','何刚霞','1','1988-07-22','440103','2','440106',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440103198910082395','罗娜','1','1989-10-08','440103','2','440104',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440103200303012483','黄丽','2','2003-03-01','440103','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440103200708278159','孙平斌','1','2007-08-27','440103','1','440104',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440104196904132680','胡强','2','1969-04-13','440104','2','440104',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440104197107230258','张文强','1','1971-07-23','440104','2','440115',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440104198212061139','王斌杰','1','1982-12-06','440104','2','440112',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','44010419970925925X','高敏伟','1','1997-09-25','440104','2','440118',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440104200608042698','郭洋强','1','2006-08-04','440104','2','440112',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440104201003046287','刘超桂','2','2010-03-04','440104','2','440115',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440105197205013237','黄静磊','1','1972-05-01','440105','1','440104',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440105197807099824','王玲伟','2','1978-07-09','440105','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440105198707189691','朱超鹏','1','1987-07-18','440105','2','440113',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440106197207263308','陈静艳','2','1972-07-26','440106','2','440112',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440106198506168305','李斌秀','2','1985-06-16','440106','1','440106',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440106198611115950','郭超强','1','1986-11-11','440106','1','440111',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440106198707195908','马秀艳','2','1987-07-19','440106','2','440112',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440106200301161089','马艳文','2','2003-01-16','440106','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','44011120071229475X','徐敏芳','1','2007-12-29','440111','2','440106',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440112196908148276','黄涛','1','1969-08-14','440112','2','440103',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440112197410146454','赵桂英','1','1974-10-14','440112','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440112198805184919','徐磊','1','1988-05-18','440112','1','440111',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440112199510162936','王艳刚','1','1995-10-16','440112','2','440114',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','44011220030316204X','陈文','2','2003-03-16','440112','2','440118',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440112200605229596','何娟平','1','2006-05-22','440112','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440112201002126701','胡强桂','2','2010-02-12','440112','1','440117',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440113199205057714','马超','1','1992-05-05','440113','2','440118',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440113200612078737','黄敏鹏','1','2006-12-07','440113','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440113200909109530','林刚艳','1','2009-09-10','440113','2','440113',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','44011419870601217X','吴艳','1','1987-06-01','440114','2','440111',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440114200401061894','黄杰刚','1','2004-01-06','440114','2','440112',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440115197409049250','何建芳','1','1974-09-04','440115','2','440117',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440115198708052008','罗强建','2','1987-08-05','440115','2','440117',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440115200901206291','林霞明','1','2009-01-20','440115','2','440113',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440117199911260627','周娜','2','1999-11-26','440117','2','440105',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440118198212204652','孙秀涛','1','1982-12-20','440118','2','440117',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440118198304051980','李娜强','2','1983-04-05','440118','2','440106',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440118200511066966','周桂明','2','2005-11-06','440118','1','440106',1);
INSERT INTO "c_persons" VALUES('city-440100','2026-10-31','440118200709209256','刘强娜','1','2007-09-20','440118','2','440114',1);
CREATE TABLE c_policies (child_id TEXT NOT NULL, period TEXT NOT NULL, enjoyment_id TEXT NOT NULL, citizen_id TEXT NOT NULL, policy_code TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, amount TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, enjoyment_id)) WITHOUT ROWID;
INSERT INTO "c_policies" VALUES('city-440100','2026-10-31','0000000012','440112197410146454','training_subsidy','2022-10-14','','1193.00','440105',1);
INSERT INTO "c_policies" VALUES('city-440100','2026-10-31','0000000038','440104196904132680','post_subsidy','2023-05-21','','1489.00','440104',1);
INSERT INTO "c_policies" VALUES('city-440100','2026-10-31','0000000063','440118200709209256','social_insurance_subsidy','2023-11-14','','2394.00','440114',1);
CREATE TABLE c_unemployment (child_id TEXT NOT NULL, period TEXT NOT NULL, registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, category TEXT NOT NULL, register_date TEXT NOT NULL, cancel_date TEXT NOT NULL, cancel_reason TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (child_id, period, registration_id)) WITHOUT ROWID;
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000001','440103200708278159','new_entrant','2023-12-28','2025-01-07','employed','440104',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000004','44011220030316204X','employment_to_unemployment','2021-10-30','','','440118',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000008','440115197409049250','employment_to_unemployment','2018-03-16','2020-03-23','employed','440117',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000013','440112197410146454','employment_to_unemployment','2025-02-07','2025-07-19','employed','440105',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000018','440106197207263308','other','2016-09-11','2018-02-14','employed','440112',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000021','440106198611115950','employment_to_unemployment','2019-12-18','2020-07-11','employed','440111',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000025','440118198212204652','employment_to_unemployment','2025-04-19','2025-05-31','employed','440117',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000028','44011120071229475X','other','2025-07-09','','','440106',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000029','440105197807099824','new_entrant','2018-12-16','2020-02-11','employed','440105',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000031','440105197807099824','employment_to_unemployment','2021-03-14','2023-02-27','employed','440105',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000034','44011419870601217X','employment_to_unemployment','2024-09-18','2025-12-05','employed','440111',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000039','440104196904132680','employment_to_unemployment','2023-12-08','','','440104',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000041','440105198707189691','new_entrant','2020-08-02','2022-05-13','employed','440113',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000043','440105198707189691','employment_to_unemployment','2023-08-04','','','440113',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000045','44010419970925925X','employment_to_unemployment','2018-10-05','','','440118',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000048','440103196905173189','employment_to_unemployment','2020-07-08','','','440105',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000049','440113199205057714','new_entrant','2021-08-05','2022-07-23','employed','440118',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000051','440113199205057714','employment_to_unemployment','2023-10-17','','','440118',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000053','440105197205013237','employment_to_unemployment','2019-12-18','2022-05-03','employed','440104',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000058','440118198304051980','employment_to_unemployment','2021-10-10','2023-07-29','employed','440106',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000060','440104200608042698','new_entrant','2025-10-27','','','440112',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000061','440106198506168305','new_entrant','2021-11-06','','','440106',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000065','440118200511066966','employment_to_unemployment','2025-06-13','','','440106',1);
INSERT INTO "c_unemployment" VALUES('city-440100','2026-10-31','0000000068','440114200401061894','employment_to_unemployment','2021-05-06','','','440112',1);
CREATE TABLE child_links (
  child_id TEXT PRIMARY KEY, last_attempt_at TEXT NOT NULL, last_success_at TEXT NOT NULL DEFAULT '',
  period TEXT NOT NULL DEFAULT '', digest TEXT NOT NULL DEFAULT '', records INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', last_error_at TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
INSERT INTO "child_links" VALUES('city-440100','2026-12-02T08:46:07.3275151+00:00','2026-12-02T08:46:07.3275151+00:00','2026-10-31','6d6fe46aef6c72655ca703e426a138c2cfaf38764c378be7941bfdf432eefd05',143,11999,'','');
CREATE TABLE child_manifests (
  child_id TEXT NOT NULL, period TEXT NOT NULL, counts TEXT NOT NULL, digest TEXT NOT NULL, sealed_at TEXT NOT NULL,
  received_at TEXT NOT NULL, PRIMARY KEY (child_id, period)) WITHOUT ROWID;
INSERT INTO "child_manifests" VALUES('city-440100','2026-10-31','{"persons":40,"employers":5,"certificates":30,"employment":34,"unemployment":24,"assistance":2,"policies":3,"benefits":5}','6d6fe46aef6c72655ca703e426a138c2cfaf38764c378be7941bfdf432eefd05','2026-12-02T08:46:00.3113465+00:00','2026-12-02T08:46:07.2868342+00:00');
CREATE TABLE manifests (
  period TEXT PRIMARY KEY, counts TEXT NOT NULL, digest TEXT NOT NULL, sealed_at TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO "manifests" VALUES('2026-10-31','{"persons":0,"employers":0,"certificates":0,"employment":0,"unemployment":0,"assistance":0,"policies":0,"benefits":0}','8ec5af365ac9552fbf91e656d666e4dd7abe649c2c1f565d622b1cd92c0981f6','2026-12-02T08:46:07.6033885+00:00');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO "meta" VALUES('schema_version','1');
CREATE TABLE p_assistance (period TEXT NOT NULL, recognition_id TEXT NOT NULL, citizen_id TEXT NOT NULL, difficulty_type TEXT NOT NULL, recognized_date TEXT NOT NULL, exit_date TEXT NOT NULL, exit_reason TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, recognition_id)) WITHOUT ROWID;
CREATE TABLE p_benefits (period TEXT NOT NULL, benefit_id TEXT NOT NULL, citizen_id TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, monthly_amount TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, benefit_id)) WITHOUT ROWID;
CREATE TABLE p_certificates (period TEXT NOT NULL, certificate_number TEXT NOT NULL, citizen_id TEXT NOT NULL, issue_date TEXT NOT NULL, issuing_division TEXT NOT NULL, cancel_date TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, certificate_number)) WITHOUT ROWID;
CREATE TABLE p_employers (period TEXT NOT NULL, credit_code TEXT NOT NULL, name TEXT NOT NULL, industry TEXT NOT NULL, division TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, credit_code)) WITHOUT ROWID;
CREATE TABLE p_employment (period TEXT NOT NULL, registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, form TEXT NOT NULL, employer_credit_code TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, registration_id)) WITHOUT ROWID;
CREATE TABLE p_persons (period TEXT NOT NULL, citizen_id TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL, household_division TEXT NOT NULL, household_nature TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, citizen_id)) WITHOUT ROWID;
CREATE TABLE p_policies (period TEXT NOT NULL, enjoyment_id TEXT NOT NULL, citizen_id TEXT NOT NULL, policy_code TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, amount TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, enjoyment_id)) WITHOUT ROWID;
CREATE TABLE p_unemployment (period TEXT NOT NULL, registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, category TEXT NOT NULL, register_date TEXT NOT NULL, cancel_date TEXT NOT NULL, cancel_reason TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (period, registration_id)) WITHOUT ROWID;
CREATE TABLE s_assistance (recognition_id TEXT NOT NULL, citizen_id TEXT NOT NULL, difficulty_type TEXT NOT NULL, recognized_date TEXT NOT NULL, exit_date TEXT NOT NULL, exit_reason TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (recognition_id)) WITHOUT ROWID;
CREATE TABLE s_benefits (benefit_id TEXT NOT NULL, citizen_id TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, monthly_amount TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (benefit_id)) WITHOUT ROWID;
CREATE TABLE s_certificates (certificate_number TEXT NOT NULL, citizen_id TEXT NOT NULL, issue_date TEXT NOT NULL, issuing_division TEXT NOT NULL, cancel_date TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (certificate_number)) WITHOUT ROWID;
CREATE TABLE s_employers (credit_code TEXT NOT NULL, name TEXT NOT NULL, industry TEXT NOT NULL, division TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (credit_code)) WITHOUT ROWID;
CREATE TABLE s_employment (registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, form TEXT NOT NULL, employer_credit_code TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (registration_id)) WITHOUT ROWID;
CREATE TABLE s_persons (citizen_id TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL, household_division TEXT NOT NULL, household_nature TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (citizen_id)) WITHOUT ROWID;
CREATE TABLE s_policies (enjoyment_id TEXT NOT NULL, citizen_id TEXT NOT NULL, policy_code TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL, amount TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (enjoyment_id)) WITHOUT ROWID;
CREATE TABLE s_unemployment (registration_id TEXT NOT NULL, citizen_id TEXT NOT NULL, category TEXT NOT NULL, register_date TEXT NOT NULL, cancel_date TEXT NOT NULL, cancel_reason TEXT NOT NULL, handling_division TEXT NOT NULL, valid INTEGER NOT NULL, PRIMARY KEY (registration_id)) WITHOUT ROWID;
CREATE TABLE transfers (
  child_id TEXT NOT NULL, period TEXT NOT NULL, digest TEXT NOT NULL, dataset TEXT NOT NULL, after_key TEXT NOT NULL,
  records INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (child_id, period)) WITHOUT ROWID;
CREATE TRIGGER manifests_immutable_update BEFORE UPDATE ON manifests
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): manifests cannot be changed'); END;
CREATE TRIGGER manifests_immutable_delete BEFORE DELETE ON manifests
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): manifests cannot be deleted'); END;
CREATE TRIGGER p_persons_immutable_update BEFORE UPDATE ON p_persons
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): persons cannot be changed'); END;
CREATE TRIGGER p_persons_immutable_delete BEFORE DELETE ON p_persons
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): persons cannot be deleted'); END;
CREATE TRIGGER p_persons_sealed_insert BEFORE INSERT ON p_persons
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE TRIGGER p_employers_immutable_update BEFORE UPDATE ON p_employers
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employers cannot be changed'); END;
CREATE TRIGGER p_employers_immutable_delete BEFORE DELETE ON p_employers
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employers cannot be deleted'); END;
CREATE TRIGGER p_employers_sealed_insert BEFORE INSERT ON p_employers
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE INDEX s_certificates_citizen ON s_certificates (citizen_id);
CREATE INDEX p_certificates_citizen ON p_certificates (period, citizen_id);
CREATE TRIGGER p_certificates_immutable_update BEFORE UPDATE ON p_certificates
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): certificates cannot be changed'); END;
CREATE TRIGGER p_certificates_immutable_delete BEFORE DELETE ON p_certificates
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): certificates cannot be deleted'); END;
CREATE TRIGGER p_certificates_sealed_insert BEFORE INSERT ON p_certificates
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE INDEX s_employment_citizen ON s_employment (citizen_id);
CREATE INDEX p_employment_citizen ON p_employment (period, citizen_id);
CREATE TRIGGER p_employment_immutable_update BEFORE UPDATE ON p_employment
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employment cannot be changed'); END;
CREATE TRIGGER p_employment_immutable_delete BEFORE DELETE ON p_employment
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employment cannot be deleted'); END;
CREATE TRIGGER p_employment_sealed_insert BEFORE INSERT ON p_employment
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE INDEX s_unemployment_citizen ON s_unemployment (citizen_id);
CREATE INDEX p_unemployment_citizen ON p_unemployment (period, citizen_id);
CREATE TRIGGER p_unemployment_immutable_update BEFORE UPDATE ON p_unemployment
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): unemployment cannot be changed'); END;
CREATE TRIGGER p_unemployment_immutable_delete BEFORE DELETE ON p_unemployment
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): unemployment cannot be deleted'); END;
CREATE TRIGGER p_unemployment_sealed_insert BEFORE INSERT ON p_unemployment
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE INDEX s_assistance_citizen ON s_assistance (citizen_id);
CREATE INDEX p_assistance_citizen ON p_assistance (period, citizen_id);
CREATE TRIGGER p_assistance_immutable_update BEFORE UPDATE ON p_assistance
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): assistance cannot be changed'); END;
CREATE TRIGGER p_assistance_immutable_delete BEFORE DELETE ON p_assistance
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): assistance cannot be deleted'); END;
CREATE TRIGGER p_assistance_sealed_insert BEFORE INSERT ON p_assistance
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE INDEX s_policies_citizen ON s_policies (citizen_id);
CREATE INDEX p_policies_citizen ON p_policies (period, citizen_id);
CREATE TRIGGER p_policies_immutable_update BEFORE UPDATE ON p_policies
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): policies cannot be changed'); END;
CREATE TRIGGER p_policies_immutable_delete BEFORE DELETE ON p_policies
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): policies cannot be deleted'); END;
CREATE TRIGGER p_policies_sealed_insert BEFORE INSERT ON p_policies
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE INDEX s_benefits_citizen ON s_benefits (citizen_id);
CREATE INDEX p_benefits_citizen ON p_benefits (period, citizen_id);
CREATE TRIGGER p_benefits_immutable_update BEFORE UPDATE ON p_benefits
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): benefits cannot be changed'); END;
CREATE TRIGGER p_benefits_immutable_delete BEFORE DELETE ON p_benefits
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): benefits cannot be deleted'); END;
CREATE TRIGGER p_benefits_sealed_insert BEFORE INSERT ON p_benefits
  WHEN EXISTS (SELECT 1 FROM manifests WHERE period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): the period is already sealed'); END;
CREATE TRIGGER child_manifests_immutable_update BEFORE UPDATE ON child_manifests
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): a received manifest cannot be changed'); END;
CREATE TRIGGER child_manifests_immutable_delete BEFORE DELETE ON child_manifests
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): a received manifest cannot be deleted'); END;
CREATE TRIGGER c_persons_immutable_update BEFORE UPDATE ON c_persons
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): persons cannot be changed'); END;
CREATE TRIGGER c_persons_immutable_delete BEFORE DELETE ON c_persons
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): persons cannot be deleted'); END;
CREATE TRIGGER c_persons_received_insert BEFORE INSERT ON c_persons
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_employers_immutable_update BEFORE UPDATE ON c_employers
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employers cannot be changed'); END;
CREATE TRIGGER c_employers_immutable_delete BEFORE DELETE ON c_employers
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employers cannot be deleted'); END;
CREATE TRIGGER c_employers_received_insert BEFORE INSERT ON c_employers
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_certificates_immutable_update BEFORE UPDATE ON c_certificates
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): certificates cannot be changed'); END;
CREATE TRIGGER c_certificates_immutable_delete BEFORE DELETE ON c_certificates
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): certificates cannot be deleted'); END;
CREATE TRIGGER c_certificates_received_insert BEFORE INSERT ON c_certificates
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_employment_immutable_update BEFORE UPDATE ON c_employment
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employment cannot be changed'); END;
CREATE TRIGGER c_employment_immutable_delete BEFORE DELETE ON c_employment
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): employment cannot be deleted'); END;
CREATE TRIGGER c_employment_received_insert BEFORE INSERT ON c_employment
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_unemployment_immutable_update BEFORE UPDATE ON c_unemployment
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): unemployment cannot be changed'); END;
CREATE TRIGGER c_unemployment_immutable_delete BEFORE DELETE ON c_unemployment
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): unemployment cannot be deleted'); END;
CREATE TRIGGER c_unemployment_received_insert BEFORE INSERT ON c_unemployment
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_assistance_immutable_update BEFORE UPDATE ON c_assistance
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): assistance cannot be changed'); END;
CREATE TRIGGER c_assistance_immutable_delete BEFORE DELETE ON c_assistance
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): assistance cannot be deleted'); END;
CREATE TRIGGER c_assistance_received_insert BEFORE INSERT ON c_assistance
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_policies_immutable_update BEFORE UPDATE ON c_policies
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): policies cannot be changed'); END;
CREATE TRIGGER c_policies_immutable_delete BEFORE DELETE ON c_policies
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): policies cannot be deleted'); END;
CREATE TRIGGER c_policies_received_insert BEFORE INSERT ON c_policies
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
CREATE TRIGGER c_benefits_immutable_update BEFORE UPDATE ON c_benefits
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): benefits cannot be changed'); END;
CREATE TRIGGER c_benefits_immutable_delete BEFORE DELETE ON c_benefits
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = OLD.child_id AND period = OLD.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): benefits cannot be deleted'); END;
CREATE TRIGGER c_benefits_received_insert BEFORE INSERT ON c_benefits
  WHEN EXISTS (SELECT 1 FROM child_manifests WHERE child_id = NEW.child_id AND period = NEW.period)
  BEGIN SELECT RAISE(ABORT, 'sealed period snapshots are immutable (R-4): that snapshot is already committed'); END;
COMMIT;
