-- What wixl (msitools 0.101) cannot express, applied to the built package
-- with msibuild -q, one statement per line (scripts/package.sh), @VERSION@
-- replaced first. pkgcheck msi
-- checks the result.
-- Root -1 is HKMU: HKCU per-user, HKLM with ALLUSERS=1 (wixl writes 4, no root).
UPDATE `Registry` SET `Root` = -1 WHERE `Root` = 4
-- Uninstall deletes these keys with whatever is under them (Name "-").
INSERT INTO `Registry` (`Registry`, `Root`, `Key`, `Name`, `Component_`) VALUES ('regProgIdKey', -1, 'Software\Classes\DCRWizard.SetupFile', '-', 'CmpAssociation')
INSERT INTO `Registry` (`Registry`, `Root`, `Key`, `Name`, `Component_`) VALUES ('regExtKey', -1, 'Software\Classes\.dcrwizard', '-', 'CmpAssociation')
INSERT INTO `Registry` (`Registry`, `Root`, `Key`, `Name`, `Component_`) VALUES ('regAppKey', -1, 'Software\Classes\Applications\dcrwizard.exe', '-', 'CmpAssociation')
-- Two builds with the same version (0.1.0+g1234567, 0.1.0+g89abcde: both
-- 0.1.0 to Windows Installer) replace each other rather than sit side by side
-- (AllowSameVersionUpgrades: 1 migrate features + 512 VersionMax inclusive;
-- Attributes is part of the key, so the row is replaced). @VERSION@ is the
-- package's ProductVersion.
DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'
INSERT INTO `Upgrade` (`UpgradeCode`, `VersionMax`, `Attributes`, `ActionProperty`) VALUES ('{68880FCC-162F-4609-A7E7-BC30109C5DAB}', '@VERSION@', 513, 'WIX_UPGRADE_DETECTED')
-- Which PATH the folder goes on: the user's, or the system's per-machine.
UPDATE `Component` SET `Condition` = 'NOT ALLUSERS' WHERE `Component` = 'CmpPathUser'
UPDATE `Component` SET `Condition` = 'ALLUSERS' WHERE `Component` = 'CmpPathMachine'
-- PATH: "=-" sets it on install and takes our part out on uninstall; "*" is
-- the system variable; "[~];" appends to what is there.
CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)
INSERT INTO `Environment` (`Environment`, `Name`, `Value`, `Component_`) VALUES ('PathUser', '=-PATH', '[~];[INSTALLDIR]', 'CmpPathUser')
INSERT INTO `Environment` (`Environment`, `Name`, `Value`, `Component_`) VALUES ('PathMachine', '=-*PATH', '[~];[INSTALLDIR]', 'CmpPathMachine')
-- SETUPFILE: copy (Options 0) the file the property names (SourceName empty:
-- the property is the file's full path) into INSTALLDIR as dcrwizard-setup.json.
-- With SETUPFILE unset the row is skipped. Not a component of its own with a
-- SETUPFILE condition: Wine re-evaluates that at uninstall and leaves it.
CREATE TABLE `MoveFile` (`FileKey` CHAR(72) NOT NULL, `Component_` CHAR(72) NOT NULL, `SourceName` CHAR(255) LOCALIZABLE, `DestName` CHAR(255) LOCALIZABLE, `SourceFolder` CHAR(72), `DestFolder` CHAR(72) NOT NULL, `Options` SHORT NOT NULL PRIMARY KEY `FileKey`)
INSERT INTO `MoveFile` (`FileKey`, `Component_`, `DestName`, `SourceFolder`, `DestFolder`, `Options`) VALUES ('VendorSetup', 'CmpGui', 'DCRWIZ~1.JSO|dcrwizard-setup.json', 'SETUPFILE', 'INSTALLDIR', 0)
-- The standard actions for those two tables, at their usual places.
INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('RemoveEnvironmentStrings', 3300)
INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('MoveFiles', 3800)
INSERT INTO `InstallExecuteSequence` (`Action`, `Sequence`) VALUES ('WriteEnvironmentStrings', 5200)
-- SETUPFILE and ALLUSERS reach the server side of an install from a UI.
UPDATE `Property` SET `Value` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;SETUPFILE' WHERE `Property` = 'SecureCustomProperties'
