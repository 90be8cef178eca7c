require ["include", "variables"];
global "folder";
set "folder" "FromPersonal";
