require ["fileinto", "copy"];
fileinto :copy "BeforeStop";
stop;
